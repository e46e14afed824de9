#include "front/status_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

StatusReply busy_status() {
  StatusReply status;
  status.pipeline = "fe2a7af9bb91d88e";
  status.counts = {.accepted = 100,
                   .pending = 7,
                   .in_flight = 3,
                   .retrying = 2,
                   .succeeded = 80,
                   .failed = 9,
                   .dead = 4,
                   .scheduled = 5,
                   .cancelled = 1};
  status.alerts = {"sink vm:42: disk full"};
  status.by_type = {{"echo", 6, 2, 0, 70, 0}, {"thumbnail", 1, 1, 2, 10, 4}};
  status.types_without_workers = {"thumbnail"};
  return status;
}

TEST(StatusJson, NamesEveryCountOfThePipeline) {
  const auto json = status_json(busy_status());
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  EXPECT_EQ(json["accepted"], 100);
  EXPECT_EQ(json["pending"], 7);
  EXPECT_EQ(json["in_flight"], 3);
  EXPECT_EQ(json["retrying"], 2);
  EXPECT_EQ(json["succeeded"], 80);
  EXPECT_EQ(json["failed"], 9) << "failed attempts";
  EXPECT_EQ(json["dead"], 4);
  EXPECT_EQ(json["scheduled"], 5);
  EXPECT_EQ(json["cancelled"], 1);
  EXPECT_EQ(json["alerts"], nlohmann::json::array({"sink vm:42: disk full"}));
  EXPECT_EQ(json["types_without_workers"], nlohmann::json::array({"thumbnail"}));
}

TEST(StatusJson, CountsEachTypeUnderItsName) {
  const auto json = status_json(busy_status());
  ASSERT_TRUE(json["by_type"].is_object());
  ASSERT_EQ(json["by_type"].size(), 2u);
  const auto& thumbnail = json["by_type"]["thumbnail"];
  EXPECT_EQ(thumbnail["pending"], 1);
  EXPECT_EQ(thumbnail["in_flight"], 1);
  EXPECT_EQ(thumbnail["retrying"], 2);
  EXPECT_EQ(thumbnail["succeeded"], 10);
  EXPECT_EQ(thumbnail["dead"], 4);
  EXPECT_EQ(json["by_type"]["echo"]["succeeded"], 70);
  EXPECT_FALSE(json.contains("other_types")) << "no type past the first 100 has jobs";
}

TEST(StatusJson, CountsTheTypesPastTheFirstHundredTogether) {
  auto status = busy_status();
  status.other_types = TypeCounts{"", 12, 0, 0, 3, 1};
  const auto json = status_json(status);
  EXPECT_EQ(json["other_types"]["pending"], 12);
  EXPECT_EQ(json["other_types"]["succeeded"], 3);
  EXPECT_EQ(json["other_types"]["dead"], 1);
}

TEST(StatusJson, AnIdlePipelineHasEmptyListsAndNoTypes) {
  const auto json = status_json(StatusReply{});
  EXPECT_EQ(json["accepted"], 0);
  EXPECT_EQ(json["alerts"], nlohmann::json::array());
  EXPECT_EQ(json["types_without_workers"], nlohmann::json::array());
  EXPECT_EQ(json["by_type"], nlohmann::json::object()) << "an object, never null";
}

}  // namespace
}  // namespace zpipe
