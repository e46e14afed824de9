#include "front/batches_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

BatchSummary upload_batch() {
  BatchSummary b;
  b.id = "mx-b1";
  b.description = "upload 7f3e: 3 sizes";
  b.created_ms = 1'000;
  b.finished_ms = 9'000;
  b.sealed = true;
  b.total = 3;
  b.succeeded = 2;
  b.dead = 1;
  b.on_complete_id = "mx-b1.complete";
  b.dead_ids = {"mx-7"};
  return b;
}

TEST(BatchesJson, GivesABatchsStateTimesAndCounts) {
  const auto json = batch_json(upload_batch());
  EXPECT_EQ(json["id"], "mx-b1");
  EXPECT_EQ(json["description"], "upload 7f3e: 3 sizes");
  EXPECT_EQ(json["state"], "complete");
  EXPECT_EQ(json["sealed"], true);
  EXPECT_EQ(json["created_ms"], 1'000);
  EXPECT_EQ(json["finished_ms"], 9'000);
  EXPECT_EQ(json["total"], 3);
  EXPECT_EQ(json["pending"], 0);
  EXPECT_EQ(json["running"], 0);
  EXPECT_EQ(json["succeeded"], 2);
  EXPECT_EQ(json["dead"], 1);
  EXPECT_EQ(json["cancelled"], 0);
  EXPECT_FALSE(json.contains("dead_ids")) << "listed only when one batch is shown";
}

TEST(BatchesJson, AnOpenBatchSaysSo) {
  BatchSummary open;
  open.id = "mx-b2";
  open.total = 2;
  open.pending = 1;
  open.running = 1;
  const auto json = batch_json(open);
  EXPECT_EQ(json["state"], "open");
  EXPECT_EQ(json["sealed"], false);
  EXPECT_EQ(json["finished_ms"], 0) << "not yet";
}

TEST(BatchesJson, ListsTheBatchesInTheOrderGivenWithThePipeline) {
  BatchSummary older;
  older.id = "mx-b0";
  const auto json = batches_json("fe2a7af9bb91d88e", {upload_batch(), older});
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  ASSERT_EQ(json["batches"].size(), 2u);
  EXPECT_EQ(json["batches"][0]["id"], "mx-b1");
  EXPECT_EQ(json["batches"][1]["id"], "mx-b0");
  EXPECT_EQ(batches_json("p", {})["batches"], nlohmann::json::array());
}

TEST(BatchesJson, AShownBatchHasItsDeadJobsAndItsCallbacksWithWhereTheyAre) {
  auto batch = upload_batch();
  batch.on_success_id = "mx-b1.success";
  const std::vector<JobStatus> callbacks{{"mx-b1.complete", JobState::kRunning},
                                         {"unrelated", JobState::kDead}};
  const auto json = batch_show_json("fe2a7af9bb91d88e", batch, callbacks);
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  EXPECT_EQ(json["id"], "mx-b1");
  EXPECT_EQ(json["state"], "complete");
  EXPECT_EQ(json["dead_ids"], nlohmann::json::array({"mx-7"}));
  EXPECT_EQ(json["on_complete"], nlohmann::json({{"id", "mx-b1.complete"}, {"state", "running"}}));
  EXPECT_EQ(json["on_success"], nlohmann::json({{"id", "mx-b1.success"}}))
      << "a callback whose state the ventilator did not say has none";
}

TEST(BatchesJson, AShownBatchWithoutCallbacksMadeHasNone) {
  BatchSummary open;
  open.id = "mx-b2";
  const auto json = batch_show_json("p", open, {});
  EXPECT_FALSE(json.contains("on_complete"));
  EXPECT_FALSE(json.contains("on_success"));
  EXPECT_EQ(json["dead_ids"], nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
