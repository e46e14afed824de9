#include "front/queues_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(QueuesJson, GivesEachQueuesCountsLatencyAndWhetherItIsPaused) {
  QueuesReply reply;
  reply.pipeline = "fe2a7af9bb91d88e";
  reply.queues = {{"critical", 2, 1, 0, 1'500, false}, {"mail", 40, 0, 3, 90'000, true}};
  const auto json = queues_json(reply);
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  ASSERT_EQ(json["queues"].size(), 2u);
  const auto& mail = json["queues"][1];
  EXPECT_EQ(mail["name"], "mail");
  EXPECT_EQ(mail["pending"], 40);
  EXPECT_EQ(mail["running"], 0);
  EXPECT_EQ(mail["scheduled"], 3);
  EXPECT_EQ(mail["latency_ms"], 90'000);
  EXPECT_EQ(mail["paused"], true);
  EXPECT_EQ(json["queues"][0]["name"], "critical");
  EXPECT_EQ(json["queues"][0]["paused"], false);
  EXPECT_EQ(json["limits"], nlohmann::json::array()) << "no limit in force";
}

TEST(QueuesJson, GivesEachLimitAsTextWithWhatItHoldsNow) {
  QueuesReply reply;
  reply.limits = {{"thumbnail=10/s", 4, 120}, {"queue:mail=concurrency:2", 2, 38}};
  const auto json = queues_json(reply);
  ASSERT_EQ(json["limits"].size(), 2u);
  EXPECT_EQ(json["limits"][0]["limit"], "thumbnail=10/s");
  EXPECT_EQ(json["limits"][0]["running"], 4);
  EXPECT_EQ(json["limits"][0]["waiting"], 120);
  EXPECT_EQ(json["limits"][1]["limit"], "queue:mail=concurrency:2");
  EXPECT_EQ(json["queues"], nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
