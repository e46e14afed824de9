#include "front/outcome_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

StoredOutcome dead_thumbnail() {
  StoredOutcome row;
  auto& o = row.outcome;
  o.id = "mx-3";
  o.type = "thumbnail";
  o.queue = "images";
  o.status = OutcomeStatus::kFailed;
  o.error_code = "timeout";
  o.error = "ran 30s";
  o.attempt = 3;
  o.max_attempts = 3;
  o.worker = "thumbs-1";
  o.created_ms = 1'000;
  o.started_ms = 1'100;
  o.finished_ms = 31'100;
  o.result = Payload::from_json({{"partial", true}});
  o.parent = "mx-1";
  o.batch = "mx-b1";
  row.recorded_ms = 31'120;
  return row;
}

TEST(OutcomeJson, GivesARecordedJobsEndWithItsErrorTimesAndResult) {
  const auto json = outcome_json(dead_thumbnail());
  EXPECT_EQ(json["id"], "mx-3");
  EXPECT_EQ(json["type"], "thumbnail");
  EXPECT_EQ(json["queue"], "images");
  EXPECT_EQ(json["status"], "failed") << "dead";
  EXPECT_EQ(json["error_code"], "timeout");
  EXPECT_EQ(json["error"], "ran 30s");
  EXPECT_EQ(json["attempt"], 3);
  EXPECT_EQ(json["max_attempts"], 3);
  EXPECT_EQ(json["worker"], "thumbs-1");
  EXPECT_EQ(json["created_ms"], 1'000);
  EXPECT_EQ(json["started_ms"], 1'100);
  EXPECT_EQ(json["finished_ms"], 31'100);
  EXPECT_EQ(json["recorded_ms"], 31'120);
  EXPECT_EQ(json["result"], nlohmann::json({{"partial", true}}));
  EXPECT_EQ(json["parent"], "mx-1");
  EXPECT_EQ(json["batch"], "mx-b1");
}

TEST(OutcomeJson, AJobOfNoQueueParentOrBatchIsInTheDefaultQueueAndNamesNeither) {
  StoredOutcome row;
  row.outcome.id = "mx-1";
  row.outcome.type = "echo";
  row.outcome.result = Payload::from_json({{"msg", "hi"}});
  const auto json = outcome_json(row);
  EXPECT_EQ(json["queue"], "default");
  EXPECT_EQ(json["status"], "succeeded");
  EXPECT_EQ(json["error_code"], "");
  EXPECT_EQ(json["error"], "");
  EXPECT_FALSE(json.contains("parent"));
  EXPECT_FALSE(json.contains("batch"));
}

TEST(OutcomeJson, ACancelledJobSaysSo) {
  auto row = dead_thumbnail();
  row.outcome.status = OutcomeStatus::kCancelled;
  EXPECT_EQ(outcome_json(row)["status"], "cancelled");
}

TEST(OutcomeJson, ListsTheRowsInTheOrderGiven) {
  StoredOutcome newer;
  newer.outcome.id = "mx-4";
  const auto json = outcomes_json({newer, dead_thumbnail()});
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["id"], "mx-4");
  EXPECT_EQ(json[1]["id"], "mx-3");
  EXPECT_EQ(outcomes_json({}), nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
