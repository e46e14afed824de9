// Follow-ups, chains, on_failure jobs and batches as the JobTable makes them (follow_ups.hpp).
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/follow_ups.hpp"
#include "tests/support/temp_dir.hpp"
#include "ventilator/job_table.hpp"

namespace zpipe {
namespace {

JobSpec spec(const std::string& type, nlohmann::json payload = nullptr,
             std::uint32_t attempts = 1) {
  return JobSpec{type, Payload::from_json(payload), 0, attempts};
}

std::vector<Job> dispatch_all(JobTable& table, std::uint64_t now) {
  std::vector<Job> sent;
  while (table.has_pending()) {
    sent.push_back(*table.next_for({}, now));
    table.mark_dispatched(now, "worker-a");
  }
  return sent;
}

Ack succeeded(const Job& job, std::vector<JobSpec> follow_ups = {}) {
  Ack ack{job.id, OutcomeStatus::kSucceeded, false, job.attempt, true};
  ack.follow_ups = std::move(follow_ups);
  if (!job.then.empty()) ack.next = chain_next(job.then, job.id, Payload::from_json("done"));
  return ack;
}

Ack dead(const Job& job) {
  return Ack{job.id, OutcomeStatus::kFailed, false, job.attempt, true, "handler_error", "boom"};
}

TEST(JobTableWorkflows, ASuccessMakesItsFollowUpsOnceWithIdsFromItsOwn) {
  JobTable table("p", {}, nullptr);
  const auto parent = table.accept({spec("upload")}, 1)[0];
  const auto sent = dispatch_all(table, 2);
  const std::vector<JobSpec> three{spec("resize", {{"size", 128}}), spec("resize"), spec("mail")};
  EXPECT_EQ(table.on_recorded(succeeded(sent[0], three), 3), AckEffect::kSucceeded);
  // The same outcome again (sent twice, or the attempt ran twice): nothing more is made.
  EXPECT_EQ(table.on_recorded(succeeded(sent[0], three), 4), AckEffect::kUnknown);
  const auto children = dispatch_all(table, 5);
  ASSERT_EQ(children.size(), 3u);
  EXPECT_EQ(children[0].id, parent + ".1");
  EXPECT_EQ(children[2].id, parent + ".3");
  EXPECT_EQ(children[2].type, "mail");
  for (const auto& child : children) EXPECT_EQ(child.parent, parent);
  EXPECT_EQ(children[0].payload.to_json(), (nlohmann::json{{"size", 128}}));
  const auto made = table.take_made();
  ASSERT_EQ(made.size(), 3u);
  EXPECT_EQ(made[1].parent, parent);
  EXPECT_EQ(table.counts().accepted, 4u);
}

TEST(JobTableWorkflows, AFailedAttemptMakesNoFollowUpsAndADeadJobMakesItsOnFailureJobs) {
  JobTable table("p", {}, nullptr);
  auto root = spec("charge", {{"order", 7}}, 2);
  root.on_failure = {spec("alert", {{"to", "ops"}})};
  const auto id = table.accept({root}, 1)[0];
  auto sent = dispatch_all(table, 2);
  Ack failed{sent[0].id, OutcomeStatus::kFailed, false, 1, false, "handler_error", "declined"};
  failed.follow_ups = {spec("receipt")};
  EXPECT_EQ(table.on_recorded(failed, 3), AckEffect::kRetryScheduled);
  table.promote_due(1'000'000);
  sent = dispatch_all(table, 1'000'000);
  ASSERT_EQ(sent.size(), 1u) << "the retry only: a failure's follow-ups are not made";
  EXPECT_EQ(table.on_recorded(dead(sent[0]), 1'000'001), AckEffect::kDead);
  const auto made = dispatch_all(table, 1'000'002);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].id, id + ".f1");
  EXPECT_EQ(made[0].type, "alert");
  EXPECT_EQ(made[0].parent, id);
  const auto payload = made[0].payload.to_json();
  EXPECT_EQ(payload["to"], "ops");
  EXPECT_EQ(payload["failed_job"]["id"], id);
  EXPECT_EQ(payload["failed_job"]["attempts"], 2);
  EXPECT_EQ(payload["failed_job"]["error"], "boom");
}

TEST(JobTableWorkflows, AChainRunsStepByStepPassingResultsAndKeepsItsOnFailure) {
  JobTable table("p", {}, nullptr);
  auto root = spec("fetch");
  root.then = {spec("parse"), spec("store", {{"table", "t"}})};
  root.on_failure = {spec("alert")};
  const auto id = table.accept({root}, 1)[0];
  auto sent = dispatch_all(table, 2);
  ASSERT_EQ(sent[0].then.size(), 2u) << "the worker gets the rest of its chain";
  table.on_recorded(succeeded(sent[0]), 3);
  sent = dispatch_all(table, 4);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, id + ".s1");
  EXPECT_EQ(sent[0].type, "parse");
  EXPECT_EQ(sent[0].payload.to_json()["previous_result"], "done");
  EXPECT_EQ(sent[0].payload.to_json()["previous_job"], id);
  ASSERT_EQ(sent[0].then.size(), 1u);
  table.on_recorded(succeeded(sent[0]), 5);
  sent = dispatch_all(table, 6);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, id + ".s2");
  EXPECT_EQ(sent[0].payload.to_json()["table"], "t");
  EXPECT_TRUE(sent[0].then.empty());
  // The last step dies: the chain's on_failure runs, once.
  table.on_recorded(dead(sent[0]), 7);
  sent = dispatch_all(table, 8);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, id + ".s2.f1");
  EXPECT_EQ(sent[0].type, "alert");
}

TEST(JobTableWorkflows, ABatchRunsItsCallbacksOnceWhenSealedAndEveryJobHasEnded) {
  JobTable table("p", {}, nullptr);
  BatchOpen open{1, "three sizes", spec("manifest", {{"upload", "7f3e"}}), spec("celebrate")};
  const auto batch = table.batches().open(open, 1);
  std::vector<JobSpec> jobs(3, spec("thumbnail"));
  for (auto& job : jobs) job.batch = batch;
  table.accept(jobs, 2);
  ASSERT_TRUE(table.seal_batch(batch, 3).ok());
  EXPECT_FALSE(table.batch_problem(jobs) == std::nullopt) << "a sealed batch takes no more jobs";
  auto sent = dispatch_all(table, 4);
  ASSERT_EQ(sent.size(), 3u);
  const auto dead_id = sent[1].id;
  EXPECT_EQ(sent[0].batch, batch);
  auto summary = table.batch_summaries(BatchesRequest{1, {batch}})[0];
  EXPECT_EQ(summary.total, 3u);
  EXPECT_EQ(summary.running, 3u);
  table.on_recorded(succeeded(sent[0]), 5);
  table.on_recorded(dead(sent[1]), 5);
  EXPECT_FALSE(table.has_pending()) << "one job still runs";
  table.on_recorded(succeeded(sent[2]), 6);
  sent = dispatch_all(table, 7);
  ASSERT_EQ(sent.size(), 1u) << "on_complete only: a job is dead";
  EXPECT_EQ(sent[0].id, batch + ".complete");
  EXPECT_EQ(sent[0].parent, batch);
  const auto facts = sent[0].payload.to_json()["batch"];
  EXPECT_EQ(facts["succeeded"], 2);
  EXPECT_EQ(facts["dead"], 1);
  EXPECT_EQ(facts["dead_ids"], (nlohmann::json{dead_id}));
  summary = table.batch_summaries(BatchesRequest{1, {batch}})[0];
  EXPECT_NE(summary.finished_ms, 0u);
  EXPECT_EQ(summary.on_complete_id, batch + ".complete");
  EXPECT_TRUE(summary.on_success_id.empty());
  EXPECT_EQ(summary.dead_ids.size(), 1u);
}

TEST(JobTableWorkflows, AJobAddingToItsOwnBatchKeepsTheBatchOpenUntilTheNewJobsEnd) {
  JobTable table("p", {}, nullptr);
  const auto batch = table.batches().open(BatchOpen{1, "", spec("done"), std::nullopt}, 1);
  auto first = spec("scan");
  first.batch = batch;
  table.accept({first}, 2);
  ASSERT_TRUE(table.seal_batch(batch, 2).ok());
  auto sent = dispatch_all(table, 3);
  auto fan_out = spec("page");
  fan_out.batch = batch;
  table.on_recorded(succeeded(sent[0], {fan_out, fan_out}), 4);
  sent = dispatch_all(table, 5);
  ASSERT_EQ(sent.size(), 2u) << "the two pages, not yet the callback";
  EXPECT_EQ(table.batch_summaries(BatchesRequest{1, {batch}})[0].total, 3u);
  table.on_recorded(succeeded(sent[0]), 6);
  table.on_recorded(succeeded(sent[1]), 6);
  sent = dispatch_all(table, 7);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, batch + ".complete");
  EXPECT_EQ(sent[0].payload.to_json()["batch"]["succeeded"], 3);
}

TEST(JobTableWorkflows, AnEmptyBatchEndsWhenSealedAndAnUnknownOneIsRefused) {
  JobTable table("p", {}, nullptr);
  const auto batch = table.batches().open(BatchOpen{1, "", spec("report"), spec("celebrate")}, 1);
  ASSERT_TRUE(table.seal_batch(batch, 2).ok());
  const auto sent = dispatch_all(table, 3);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].payload.to_json()["batch"]["total"], 0);
  EXPECT_FALSE(table.seal_batch(batch, 4).ok()) << "sealed already";
  EXPECT_FALSE(table.seal_batch("p-b99", 4).ok());
  auto stray = spec("x");
  stray.batch = "p-b99";
  EXPECT_NE(table.batch_problem({stray}), std::nullopt);
}

class JournaledWorkflows : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "journal.db";
};

// The ventilator killed after the sink recorded a job's success but before it handled the ack:
// the job is restored, its outcome comes again (a duplicate), and its follow-ups are made once.
TEST_F(JournaledWorkflows, ARestartKeepsChainsAndBatchesAndMakesFollowUpsOnce) {
  std::string id;
  std::string batch;
  {
    Journal journal(path_, Durability::kBatched);
    JobTable table("run1", {}, &journal);
    batch = table.batches().open(BatchOpen{1, "b", spec("report"), std::nullopt}, 1);
    auto root = spec("fetch");
    root.batch = batch;
    root.then = {spec("parse")};
    root.on_failure = {spec("alert")};
    id = table.accept({root}, 1)[0];
    ASSERT_TRUE(table.seal_batch(batch, 1).ok());
    dispatch_all(table, 2);
    table.save_totals();
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kBatched);
  JobTable table("run2", {}, &journal);
  table.restore_batches(journal.load_batches());
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  auto summary = table.batch_summaries(BatchesRequest{1, {batch}})[0];
  EXPECT_TRUE(summary.sealed);
  EXPECT_EQ(summary.total, 1u);
  const auto sent = dispatch_all(table, 200);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].batch, batch);
  ASSERT_EQ(sent[0].then.size(), 1u);
  auto duplicate = succeeded(sent[0], {spec("log")});
  duplicate.duplicate = true;
  EXPECT_EQ(table.on_recorded(duplicate, 201), AckEffect::kSucceeded);
  EXPECT_EQ(table.on_recorded(duplicate, 202), AckEffect::kUnknown);
  const auto made = dispatch_all(table, 203);
  std::set<std::string> ids;
  for (const auto& job : made) ids.insert(job.id);
  EXPECT_EQ(ids, (std::set<std::string>{id + ".1", id + ".s1"}));
  EXPECT_EQ(table.batch_summaries(BatchesRequest{1, {batch}})[0].total, 2u)
      << "the chain's step is in the batch; the follow-up named none";
}

}  // namespace
}  // namespace zpipe
