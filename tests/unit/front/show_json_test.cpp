#include "front/show_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

Outcome attempt(std::uint32_t n, OutcomeStatus status) {
  Outcome a;
  a.id = "mx-1";
  a.type = "thumbnail";
  a.attempt = n;
  a.max_attempts = 3;
  a.status = status;
  if (status == OutcomeStatus::kFailed) {
    a.error_code = "crashed";
    a.error = "killed by SIGSEGV";
  }
  a.worker = "thumbs-" + std::to_string(n);
  a.started_ms = 1'000 * n;
  a.finished_ms = 1'000 * n + 400;
  a.run_us = 400'000;
  a.cpu_us = 350'000;
  a.max_rss_kb = 84'000;
  a.key = "web";
  a.payload = Payload::from_json({{"src", "a.jpg"}});
  return a;
}

// A job that failed once, succeeded on its second attempt and made two jobs.
JobFacts succeeded_on_retry() {
  JobFacts facts;
  facts.id = "mx-1";
  facts.attempts = {attempt(1, OutcomeStatus::kFailed), attempt(2, OutcomeStatus::kSucceeded)};
  facts.row = StoredOutcome{facts.attempts.back(), 2'500, std::nullopt};
  facts.row->outcome.result = Payload::from_json({{"width", 320}});
  facts.now = JobStatus{"mx-1", JobState::kSucceeded, 2, 3};
  facts.children = {{"mx-1.1", "echo", "succeeded"}, {"mx-1.s1", "resize", "not recorded yet"}};
  return facts;
}

TEST(ShowJson, GivesTheRecordedEndAndEveryAttemptFirstFirst) {
  const auto json = show_json(succeeded_on_retry());
  EXPECT_EQ(json["id"], "mx-1");
  EXPECT_EQ(json["status"], "succeeded");
  EXPECT_EQ(json["recorded_ms"], 2'500);
  EXPECT_EQ(json["result"], nlohmann::json({{"width", 320}}));
  ASSERT_EQ(json["attempts"].size(), 2u);
  const auto& first = json["attempts"][0];
  EXPECT_EQ(first["attempt"], 1);
  EXPECT_EQ(first["status"], "failed");
  EXPECT_EQ(first["error_code"], "crashed");
  EXPECT_EQ(first["error"], "killed by SIGSEGV");
  EXPECT_EQ(first["worker"], "thumbs-1");
  EXPECT_EQ(first["started_ms"], 1'000);
  EXPECT_EQ(first["finished_ms"], 1'400);
  EXPECT_EQ(first["run_us"], 400'000);
  EXPECT_EQ(first["cpu_us"], 350'000);
  EXPECT_EQ(first["max_rss_kb"], 84'000);
  EXPECT_EQ(first["key"], "web");
  EXPECT_EQ(json["attempts"][1]["status"], "succeeded");
  EXPECT_EQ(json["attempts"][1]["error"], "");
}

TEST(ShowJson, GivesThePayloadWhereItIsNowAndTheJobsItMade) {
  const auto json = show_json(succeeded_on_retry());
  EXPECT_EQ(json["payload"], nlohmann::json({{"src", "a.jpg"}}));
  EXPECT_FALSE(json.contains("payload_bytes"));
  EXPECT_EQ(json["now"],
            nlohmann::json({{"state", "succeeded"}, {"attempt", 2}, {"max_attempts", 3}}))
      << "no worker or due time: none is known";
  EXPECT_EQ(json["children"], nlohmann::json::parse(R"([
      {"id": "mx-1.1", "type": "echo", "state": "succeeded"},
      {"id": "mx-1.s1", "type": "resize", "state": "not recorded yet"}])"));
}

TEST(ShowJson, AJobRunningNowNamesItsWorkerAndOneWaitingItsRetryWhenItIsDue) {
  auto facts = succeeded_on_retry();
  facts.now = JobStatus{"mx-1", JobState::kRunning, 2, 3, "thumbs-2"};
  EXPECT_EQ(show_json(facts)["now"]["worker"], "thumbs-2");
  facts.now = JobStatus{"mx-1", JobState::kRetrying, 1, 3, "", 9'000};
  EXPECT_EQ(show_json(facts)["now"]["state"], "retrying");
  EXPECT_EQ(show_json(facts)["now"]["due_ms"], 9'000);
}

TEST(ShowJson, AJobOnlyTheVentilatorHoldsHasItsIdNoAttemptsAndANullPayload) {
  JobFacts facts;
  facts.id = "mx-9";
  facts.now = JobStatus{"mx-9", JobState::kScheduled, 1, 3};
  const auto json = show_json(facts);
  EXPECT_EQ(json["id"], "mx-9");
  EXPECT_EQ(json["attempts"], nlohmann::json::array());
  EXPECT_TRUE(json["payload"].is_null());
  EXPECT_EQ(json["now"]["state"], "scheduled");
  EXPECT_FALSE(json.contains("status")) << "no end recorded";
  EXPECT_FALSE(json.contains("children"));
}

TEST(ShowJson, APayloadTooLargeToKeepIsNullWithItsSize) {
  auto facts = succeeded_on_retry();
  for (auto& a : facts.attempts) {
    a.payload.reset();
    a.payload_bytes = 3'000'000;
  }
  const auto json = show_json(facts);
  EXPECT_TRUE(json["payload"].is_null());
  EXPECT_EQ(json["payload_bytes"], 3'000'000);
}

TEST(ShowJson, AJobRecordedButNotHeldHasNoNow) {
  auto facts = succeeded_on_retry();
  facts.now.reset();
  EXPECT_FALSE(show_json(facts).contains("now"));
}

}  // namespace
}  // namespace zpipe
