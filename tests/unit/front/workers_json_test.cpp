#include "front/workers_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

WorkerSummary thumbnailer() {
  WorkerSummary w;
  w.name = "thumbs-1";
  w.process = "web1:4242";
  w.state = "busy";
  w.slots = 4;
  w.held = 3;
  w.sent = 120;
  w.credit = 1;
  w.heard_ms_ago = 250;
  w.connected_ms_ago = 60'000;
  w.heartbeat_ms = 1'000;
  w.types = {"thumbnail"};
  w.queues = {"critical", "default"};
  return w;
}

TEST(WorkersJson, GivesEachWorkersNameStateSlotsJobsAndWhatItTakes) {
  const auto json = worker_json(thumbnailer());
  EXPECT_EQ(json["name"], "thumbs-1");
  EXPECT_EQ(json["process"], "web1:4242");
  EXPECT_EQ(json["state"], "busy");
  EXPECT_EQ(json["slots"], 4);
  EXPECT_EQ(json["held"], 3);
  EXPECT_EQ(json["sent"], 120);
  EXPECT_EQ(json["credit"], 1);
  EXPECT_EQ(json["heard_ms_ago"], 250);
  EXPECT_EQ(json["connected_ms_ago"], 60'000);
  EXPECT_EQ(json["heartbeat_ms"], 1'000);
  EXPECT_EQ(json["types"], nlohmann::json::array({"thumbnail"}));
  EXPECT_EQ(json["queues"], nlohmann::json::array({"critical", "default"}));
}

TEST(WorkersJson, AWorkerOfAnyTypeAndQueueHasEmptyLists) {
  WorkerSummary any;
  any.name = "?";
  any.state = "idle";
  const auto json = worker_json(any);
  EXPECT_EQ(json["types"], nlohmann::json::array()) << "empty: any type";
  EXPECT_EQ(json["queues"], nlohmann::json::array()) << "empty: every queue";
  EXPECT_EQ(json["process"], "");
}

TEST(WorkersJson, ListsTheWorkersInTheOrderGivenWithThePipeline) {
  auto second = thumbnailer();
  second.name = "thumbs-2";
  const auto json = workers_json("fe2a7af9bb91d88e", {thumbnailer(), second});
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  ASSERT_EQ(json["workers"].size(), 2u);
  EXPECT_EQ(json["workers"][0]["name"], "thumbs-1");
  EXPECT_EQ(json["workers"][1]["name"], "thumbs-2");
  EXPECT_EQ(workers_json("p", {})["workers"], nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
