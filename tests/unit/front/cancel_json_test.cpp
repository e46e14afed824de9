#include "front/cancel_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(CancelJson, SaysWhatBecameOfEachJobInTheOrderAsked) {
  CancelReply reply;
  reply.pipeline = "fe2a7af9bb91d88e";
  reply.jobs = {{"mx-1", CancelResult::kCancelled},
                {"mx-2", CancelResult::kCancelling},
                {"mx-3", CancelResult::kOver},
                {"nosuch", CancelResult::kUnknown}};
  const auto json = cancel_json(reply);
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  EXPECT_EQ(json["jobs"], nlohmann::json::parse(R"([
      {"id": "mx-1", "result": "cancelled"}, {"id": "mx-2", "result": "cancelling"},
      {"id": "mx-3", "result": "over"}, {"id": "nosuch", "result": "unknown"}])"));
}

TEST(CancelJson, NoJobsIsAnEmptyList) {
  EXPECT_EQ(cancel_json(CancelReply{})["jobs"], nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
