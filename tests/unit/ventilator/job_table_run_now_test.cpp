// JobTable::run_now(): jobs that wait for a time (delayed, or for a retry) are made due at once,
// kept so in the journal; any other job is left as it is, and the answer says why.
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "ventilator/job_table.hpp"

namespace zpipe {
namespace {

JobSpec later_spec(std::uint64_t run_at_ms, std::uint32_t max_attempts = 0) {
  JobSpec spec{"t", {}, 0, max_attempts};
  spec.run_at_ms = run_at_ms;
  return spec;
}

JobPolicy slow_retries() {
  JobPolicy policy;
  policy.retry_base_ms = 60'000;  // a failed attempt waits a minute, at least
  policy.retry_max_ms = 600'000;
  return policy;
}

// Takes every job due now, in order, sending each to `worker`.
std::vector<Job> take_all(JobTable& table, std::uint64_t now, const std::string& worker = "w") {
  std::vector<Job> taken;
  while (const auto* job = table.next_for({}, now)) {
    taken.push_back(*job);
    table.mark_dispatched(now, worker);
  }
  return taken;
}

std::vector<RunNowResult> results_of(const std::vector<RunNowJob>& jobs) {
  std::vector<RunNowResult> results;
  for (const auto& job : jobs) results.push_back(job.result);
  return results;
}

TEST(JobTableRunNow, MakesWaitingJobsDueAndLeavesTheOthersSayingWhy) {
  JobTable table("p", slow_retries(), nullptr);
  const auto ids =
      table.accept({JobSpec{"t", {}, 0, 3}, JobSpec{"t", {}, 0, 1}, JobSpec{"t", {}, 0, 1},
                    later_spec(90'000), JobSpec{"t", {}, 0, 1}},
                   1000);
  // ids[0] fails its first attempt and waits for its retry; ids[1] succeeds; ids[2] runs.
  const auto sent = take_all(table, 1000);
  ASSERT_EQ(sent.size(), 4u);
  ASSERT_EQ(table.on_recorded(Ack{ids[0], OutcomeStatus::kFailed, false, 1, false}, 1100),
            AckEffect::kRetryScheduled);
  ASSERT_EQ(table.on_recorded(Ack{ids[1], OutcomeStatus::kSucceeded, false, 1, true}, 1100),
            AckEffect::kSucceeded);
  // ids[4] goes back to the queue: pending.
  ASSERT_TRUE(table.give_back("w", ReleasedJob{ids[4], 1}));
  ASSERT_EQ(table.counts().retrying, 1u);
  ASSERT_EQ(table.counts().scheduled, 1u);

  const auto results = table.run_now({ids[3], ids[0], ids[1], ids[2], ids[4], "p-999"});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].id, ids[3]);
  EXPECT_EQ(results_of(results),
            (std::vector<RunNowResult>{RunNowResult::kDue, RunNowResult::kDue, RunNowResult::kOver,
                                       RunNowResult::kRunning, RunNowResult::kPending,
                                       RunNowResult::kUnknown}));
  const auto counts = table.counts();
  EXPECT_EQ(counts.scheduled, 0u);
  EXPECT_EQ(counts.retrying, 0u);
  EXPECT_EQ(counts.pending, 3u);
  EXPECT_EQ(table.type_counts().at(0).retrying, 0u) << "counted as pending by type too";
  EXPECT_EQ(table.type_counts().at(0).pending, 3u);

  // Due at once, long before their time, behind the job that was pending already, in the order
  // asked; the retry runs its second attempt.
  const auto due = take_all(table, 1200);
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].id, ids[4]);
  EXPECT_EQ(due[1].id, ids[3]);
  EXPECT_EQ(due[1].attempt, 1u);
  EXPECT_EQ(due[2].id, ids[0]);
  EXPECT_EQ(due[2].attempt, 2u);
  // Their old times bring nothing again.
  table.promote_due(100'000'000);
  EXPECT_FALSE(table.has_pending());
  EXPECT_EQ(table.run_now({ids[3]})[0].result, RunNowResult::kRunning);
}

TEST(JobTableRunNow, AJobNamedTwiceIsMadeDueOnce) {
  JobTable table("p", {}, nullptr);
  const auto ids = table.accept({later_spec(90'000)}, 1000);
  EXPECT_EQ(results_of(table.run_now({ids[0], ids[0]})),
            (std::vector<RunNowResult>{RunNowResult::kDue, RunNowResult::kDue}));
  EXPECT_EQ(take_all(table, 1000).size(), 1u);
  EXPECT_FALSE(table.has_pending());
}

TEST(JobTableRunNow, ADueJobInAPausedQueueWaitsForTheQueue) {
  JobTable table("p", {}, nullptr);
  auto spec = later_spec(90'000);
  spec.queue = "mail";
  const auto ids = table.accept({spec}, 1000);
  table.set_paused("mail", true);
  EXPECT_EQ(table.run_now({ids[0]})[0].result, RunNowResult::kDue);
  EXPECT_TRUE(take_all(table, 1000).empty());
  table.set_paused("mail", false);
  EXPECT_EQ(take_all(table, 1000).size(), 1u);
}

// What run_now() changed is in the journal: a ventilator that restarts after it finds the jobs
// due, not waiting for their old times.
TEST(JournaledJobTableRunNow, JobsMadeDueStayDueAfterARestart) {
  test::TempDir dir;
  const auto path = dir.path() / "journal.db";
  std::vector<std::string> ids;
  {
    Journal journal(path, Durability::kBatched);
    JobTable table("run1", slow_retries(), &journal);
    ids =
        table.accept({later_spec(3'600'000), JobSpec{"t", {}, 0, 3}, later_spec(3'600'000)}, 1000);
    ASSERT_EQ(take_all(table, 1000).size(), 1u);
    ASSERT_EQ(table.on_recorded(Ack{ids[1], OutcomeStatus::kFailed, false, 1, false}, 1100),
              AckEffect::kRetryScheduled);
    ASSERT_EQ(results_of(table.run_now({ids[0], ids[1]})),
              (std::vector<RunNowResult>{RunNowResult::kDue, RunNowResult::kDue}));
    ASSERT_TRUE(journal.commit().ok());
  }  // as if killed: nothing else was written
  Journal journal(path, Durability::kBatched);
  JobTable table("run2", slow_retries(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), journal.load_totals(), 2000);
  EXPECT_EQ(table.counts().scheduled, 1u) << "the one not asked for still waits";
  EXPECT_EQ(table.counts().retrying, 0u);
  const auto due = take_all(table, 2000);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, ids[0]);
  EXPECT_EQ(due[1].id, ids[1]);
  EXPECT_EQ(due[1].attempt, 2u);
  EXPECT_EQ(table.statuses({ids[2]})[0].state, JobState::kScheduled);
}

}  // namespace
}  // namespace zpipe
