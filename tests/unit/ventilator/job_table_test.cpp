#include "ventilator/job_table.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

std::vector<JobSpec> specs(int n, const std::string& type = "echo", std::uint32_t attempts = 0) {
  return std::vector<JobSpec>(static_cast<std::size_t>(n), JobSpec{type, {}, 0, attempts});
}

JobPolicy quick_policy() {
  JobPolicy policy;
  policy.timeout_ms = 1000;
  policy.redispatch_grace_ms = 500;
  policy.retry_base_ms = 100;
  policy.retry_max_ms = 10'000;
  return policy;
}

// Dispatches everything pending at `now` to `worker` and returns the jobs as sent.
std::vector<Job> dispatch_all(JobTable& table, std::uint64_t now,
                              const std::string& worker = "worker-a") {
  std::vector<Job> sent;
  while (table.has_pending()) {
    sent.push_back((*table.next_for({}, 0)));
    table.mark_dispatched(now, worker);
  }
  return sent;
}

std::vector<std::string> ids_of(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job.id);
  return ids;
}

Ack ack(const Job& job, OutcomeStatus status, bool final, bool duplicate = false) {
  return Ack{job.id, status, duplicate, job.attempt, final};
}

TEST(JobTable, GivesEveryJobAUniqueIdWithThePrefix) {
  JobTable table("run1", {}, nullptr);
  auto ids = table.accept(specs(500), 10);
  auto more = table.accept(specs(500), 11);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1000u);
  for (const auto& id : ids) EXPECT_EQ(id.rfind("run1-", 0), 0u) << id;
}

TEST(JobTable, FillsDefaultsFromThePolicyOnlyWhereTheSpecHasNone) {
  JobPolicy policy;
  policy.timeout_ms = 5000;
  policy.max_attempts = 4;
  policy.max_attempts_by_type["mail"] = 7;
  JobTable table("p", policy, nullptr);
  table.accept({JobSpec{"echo", {}, 0, 0}, JobSpec{"echo", {}, 250, 2}, JobSpec{"mail", {}, 0, 0}},
               77);
  const auto sent = dispatch_all(table, 0);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].timeout_ms, 5000u);
  EXPECT_EQ(sent[0].max_attempts, 4u);
  EXPECT_EQ(sent[0].created_ms, 77u);
  EXPECT_EQ(sent[0].attempt, 1u);
  EXPECT_EQ(sent[1].timeout_ms, 250u);
  EXPECT_EQ(sent[1].max_attempts, 2u);
  EXPECT_EQ(sent[2].max_attempts, 7u);
}

TEST(JobTable, DispatchesInArrivalOrderAndCounts) {
  JobTable table("p", {}, nullptr);
  const auto ids = table.accept(specs(3), 1);
  EXPECT_EQ(table.counts().pending, 3u);
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.next_for({}, 0)->id, ids[0]);
  table.mark_dispatched(0, "worker-a");
  EXPECT_EQ(table.next_for({}, 0)->id, ids[1]);
  table.mark_dispatched(0, "worker-a");
  const auto c = table.counts();
  EXPECT_EQ(c.accepted, 3u);
  EXPECT_EQ(c.pending, 1u);
  EXPECT_EQ(c.in_flight, 2u);
}

TEST(JobTable, FinalAcksFinishJobsOnce) {
  JobTable table("p", {}, nullptr);
  table.accept(specs(2), 1);
  const auto sent = dispatch_all(table, 0);
  EXPECT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 5),
            AckEffect::kSucceeded);
  EXPECT_EQ(table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, true), 5), AckEffect::kDead);
  EXPECT_EQ(table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, true, true), 5),
            AckEffect::kUnknown);
  EXPECT_EQ(table.on_recorded(Ack{"other-1", OutcomeStatus::kSucceeded, false, 1, true}, 5),
            AckEffect::kUnknown);
  const auto c = table.counts();
  EXPECT_EQ(c.succeeded, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.dead, 1u);
  EXPECT_EQ(c.in_flight, 0u);
}

TEST(JobTable, AFailedAttemptWithAttemptsLeftIsRetriedAfterItsBackoff) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(1, "echo", 3), 1);
  auto sent = dispatch_all(table, 1000);
  EXPECT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kFailed, false), 1000),
            AckEffect::kRetryScheduled);
  EXPECT_EQ(table.counts().retrying, 1u);
  // First retry after 100 ms +-25%.
  table.promote_due(1074);
  EXPECT_FALSE(table.has_pending());
  ASSERT_TRUE(table.next_timer_ms(0).has_value());
  EXPECT_GE(*table.next_timer_ms(0), 1075u);
  EXPECT_LE(*table.next_timer_ms(0), 1125u);
  table.promote_due(1125);
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.next_for({}, 0)->attempt, 2u);
  sent = dispatch_all(table, 1200);
  EXPECT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kFailed, false), 1200),
            AckEffect::kRetryScheduled);
  // Second retry after 200 ms +-25%: the delay doubles.
  EXPECT_GE(*table.next_timer_ms(0), 1350u);
  EXPECT_LE(*table.next_timer_ms(0), 1450u);
  EXPECT_EQ(table.counts().failed, 2u);
}

TEST(JobTable, AnAckAboutAnOlderAttemptChangesNothing) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(1, "echo", 3), 1);
  auto first = dispatch_all(table, 0)[0];
  ASSERT_EQ(table.on_recorded(ack(first, OutcomeStatus::kFailed, false), 0),
            AckEffect::kRetryScheduled);
  table.promote_due(10'000);
  (void)dispatch_all(table, 10'000);
  // A repeat of attempt 1's failure (its first worker came back) must not schedule a retry.
  EXPECT_EQ(table.on_recorded(ack(first, OutcomeStatus::kFailed, false, true), 10'001),
            AckEffect::kStale);
  EXPECT_EQ(table.counts().in_flight, 1u);
  EXPECT_EQ(table.counts().retrying, 0u);
}

TEST(JobTable, JobsWithoutAnOutcomeByTheirDeadlineGoOutAgainFirst) {
  JobTable table("p", quick_policy(), nullptr);  // limit 1000 ms + grace 500 ms
  const auto ids = table.accept(specs(2), 1);
  ASSERT_NE(table.next_for({}, 0), nullptr);
  table.mark_dispatched(0, "worker-a");
  EXPECT_TRUE(table.redispatch_overdue(1499).empty());
  EXPECT_EQ(table.redispatch_overdue(1500), std::vector<std::string>{ids[0]});
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.next_for({}, 0)->id, ids[0]);
  EXPECT_EQ(table.next_for({}, 0)->attempt, 1u);  // a lost delivery is not a failed attempt
  table.mark_dispatched(2000, "worker-a");
  // The late outcome of the first delivery still finishes the job.
  EXPECT_EQ(table.on_recorded(Ack{ids[0], OutcomeStatus::kSucceeded, false, 1, true}, 2001),
            AckEffect::kSucceeded);
  EXPECT_TRUE(table.redispatch_overdue(100'000).empty());
}

// Outcomes queued toward a sink that fell behind are late, not lost: the job waits for them.
TEST(JobTable, AJobWaitsTheSinksRecordingLagPastItsDeadlineBeforeItGoesOutAgain) {
  JobTable table("p", quick_policy(), nullptr);  // limit 1000 ms + grace 500 ms
  const auto ids = table.accept(specs(1), 1);
  ASSERT_NE(table.next_for({}, 0), nullptr);
  table.mark_dispatched(0, "worker-a");
  table.allow_recording_lag(8'000);
  EXPECT_EQ(table.next_timer_ms(1), 9'500u) << "no wake-up before the job can be overdue";
  EXPECT_TRUE(table.redispatch_overdue(9'499).empty());
  // The sink caught up: the deadline is the job's own again.
  table.allow_recording_lag(100);
  EXPECT_EQ(table.next_timer_ms(1), 1'600u);
  EXPECT_EQ(table.redispatch_overdue(1'600), std::vector<std::string>{ids[0]});
}

TEST(JobTable, ALostWorkersJobsAndOnlyItsGoOutAgainAtOnceFirstInLine) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(3), 1);
  const auto to_a = dispatch_all(table, 10, "worker-a");
  table.accept(specs(2), 20);
  const auto to_b = dispatch_all(table, 30, "worker-b");
  table.accept(specs(1), 40);  // waits, pending
  EXPECT_EQ(table.held_by("worker-a"), 3u);

  auto taken = table.take_back_from("worker-a");
  std::sort(taken.begin(), taken.end());
  auto expected = ids_of(to_a);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(taken, expected);
  EXPECT_EQ(table.held_by("worker-a"), 0u);
  EXPECT_EQ(table.held_by("worker-b"), 2u) << "another worker's jobs stay where they are";
  const auto counts = table.counts();
  EXPECT_EQ(counts.in_flight, 2u);
  EXPECT_EQ(counts.pending, 4u);
  // Before the job that was waiting, with their attempt: a lost delivery is not a failure.
  const auto again = dispatch_all(table, 50, "worker-c");
  ASSERT_EQ(again.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NE(std::find(expected.begin(), expected.end(), again[i].id), expected.end());
    EXPECT_EQ(again[i].attempt, 1u);
  }
  EXPECT_TRUE(table.take_back_from("worker-a").empty()) << "taken back once";
  // a's jobs were due at 1510 (sent at 10, 1000 ms + 500 ms grace), but went out again at 50:
  // only that send's deadline (1550) counts. b's, sent at 30, are due at 1530.
  EXPECT_TRUE(table.redispatch_overdue(1520).empty()) << "a's old deadlines are void";
  auto due = table.redispatch_overdue(1530);
  std::sort(due.begin(), due.end());
  auto b_ids = ids_of(to_b);
  std::sort(b_ids.begin(), b_ids.end());
  EXPECT_EQ(due, b_ids);
}

TEST(JobTable, AGivenBackJobGoesOutAgainOnlyIfItsGiverStillHoldsThatAttempt) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(2), 1);
  const auto sent = dispatch_all(table, 10, "worker-a");
  EXPECT_FALSE(table.give_back("worker-b", ReleasedJob{sent[0].id, 1})) << "not b's to give";
  EXPECT_FALSE(table.give_back("worker-a", ReleasedJob{sent[0].id, 2})) << "not that attempt";
  EXPECT_FALSE(table.give_back("worker-a", ReleasedJob{"p-999", 1})) << "not a job in flight";
  EXPECT_EQ(table.counts().in_flight, 2u);

  EXPECT_TRUE(table.give_back("worker-a", ReleasedJob{sent[1].id, 1}));
  EXPECT_FALSE(table.give_back("worker-a", ReleasedJob{sent[1].id, 1})) << "given back once";
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.next_for({}, 0)->id, sent[1].id);
  EXPECT_EQ(table.next_for({}, 0)->attempt, 1u);
  table.mark_dispatched(20, "worker-b");
  EXPECT_FALSE(table.give_back("worker-a", ReleasedJob{sent[1].id, 1}))
      << "now b runs it: a's late word changes nothing";
  const auto counts = table.counts();
  EXPECT_EQ(counts.failed, 0u) << "giving back is not a failed attempt";
  EXPECT_EQ(counts.in_flight, 2u);
}

TEST(JobTable, TheLateOutcomeOfAWorkerTakenForLostFinishesTheJobOnce) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(1), 1);
  const auto first = dispatch_all(table, 10, "worker-a")[0];
  EXPECT_EQ(table.take_back_from("worker-a"), std::vector<std::string>{first.id});
  const auto second = dispatch_all(table, 20, "worker-b")[0];
  EXPECT_EQ(second.id, first.id);
  // a was only slow: its outcome is recorded (the sink keeps the first) and ends the job.
  EXPECT_EQ(table.on_recorded(ack(first, OutcomeStatus::kSucceeded, true), 30),
            AckEffect::kSucceeded);
  EXPECT_EQ(table.held_by("worker-b"), 0u);
  // b's run of the same attempt is a duplicate at the sink, and changes nothing here.
  EXPECT_EQ(table.on_recorded(ack(second, OutcomeStatus::kSucceeded, true, true), 40),
            AckEffect::kUnknown);
  const auto counts = table.counts();
  EXPECT_EQ(counts.succeeded, 1u);
  EXPECT_EQ(counts.in_flight + counts.pending, 0u);
}

// A worker finishes a job, sends its outcome and exits; the ventilator sees the connection close
// before the sink's ack arrives. Found by NothingLost.SigtermLetsRunningJobsFinishAndExitsZero.
TEST(JobTable, AnOutcomeRecordedAfterItsJobWasTakenBackSettlesIt) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(2), 1);
  const auto sent = dispatch_all(table, 10, "worker-a");
  EXPECT_EQ(table.take_back_from("worker-a").size(), 2u);
  EXPECT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 20),
            AckEffect::kSucceeded);
  EXPECT_EQ(table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
  EXPECT_FALSE(table.has_pending()) << "neither runs again";
  const auto counts = table.counts();
  EXPECT_EQ(counts.succeeded, 1u);
  EXPECT_EQ(counts.dead, 1u);
  EXPECT_EQ(counts.pending + counts.in_flight, 0u);
}

TEST(JobTable, ALateOutcomeOfAJobPastItsTimeLimitSettlesItWhilePending) {
  JobTable table("p", quick_policy(), nullptr);  // limit 1000 ms + grace 500 ms
  table.accept(specs(1), 1);
  const auto sent = dispatch_all(table, 0);
  EXPECT_EQ(table.redispatch_overdue(1500).size(), 1u);
  EXPECT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 1600),
            AckEffect::kSucceeded);
  EXPECT_FALSE(table.has_pending());
  EXPECT_EQ(table.counts().succeeded, 1u);
}

TEST(JobTable, AJobWhoseSendFailedIsFirstInLineAgainInItsOrder) {
  JobTable table("p", quick_policy(), nullptr);
  const auto ids = table.accept(specs(3), 1);
  std::vector<std::string> batch;
  for (int i = 0; i < 2; ++i) {
    batch.push_back(table.next_for({}, 0)->id);
    table.mark_dispatched(10, "worker-a");
  }
  table.undo_dispatch(batch);
  EXPECT_EQ(ids_of(dispatch_all(table, 20)), ids);
}

// A job taken back, sent again, and back once more because that send failed: the first
// worker's outcome may still come, and settles it then.
TEST(JobTable, AJobTakenBackWhoseNextSendFailedIsStillSettledByItsLateOutcome) {
  JobTable table("p", quick_policy(), nullptr);
  table.accept(specs(1), 1);
  const auto first = dispatch_all(table, 10, "worker-a")[0];
  EXPECT_EQ(table.take_back_from("worker-a").size(), 1u);
  dispatch_all(table, 20, "worker-b");
  table.undo_dispatch({first.id});
  EXPECT_EQ(table.on_recorded(ack(first, OutcomeStatus::kSucceeded, true), 30),
            AckEffect::kSucceeded);
  EXPECT_FALSE(table.has_pending()) << "it does not run again";
  EXPECT_EQ(table.counts().succeeded, 1u);
}

class JournaledJobTable : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "journal.db";
};

TEST_F(JournaledJobTable, ARestartResumesUnfinishedJobsAndDropsThoseRecordedMeanwhile) {
  std::vector<std::string> ids;
  {
    Journal journal(path_, Durability::kBatched);
    JobTable table("run1", quick_policy(), &journal);
    ids = table.accept(specs(4, "echo", 3), 1);
    auto sent = dispatch_all(table, 10);
    ASSERT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 20),
              AckEffect::kSucceeded);
    ASSERT_EQ(table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, false), 20),
              AckEffect::kRetryScheduled);
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kBatched);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  auto c = table.counts();
  EXPECT_EQ(c.pending, 2u);   // ids[2], ids[3]: dispatched, no outcome known
  EXPECT_EQ(c.retrying, 1u);  // ids[1], attempt 2 due
  // The sink recorded ids[2] while we were down: its ack comes before dispatch.
  EXPECT_EQ(table.on_recorded(Ack{ids[2], OutcomeStatus::kSucceeded, false, 1, true}, 30),
            AckEffect::kSucceeded);
  table.promote_due(100'000);
  const auto sent = dispatch_all(table, 100'000);
  std::vector<std::string> sent_ids;
  for (const auto& job : sent) sent_ids.push_back(job.id);
  EXPECT_EQ(sent_ids, (std::vector<std::string>{ids[3], ids[1]}));
  EXPECT_EQ(sent[1].attempt, 2u);
  EXPECT_EQ(table.counts().succeeded, 1u);
}

TEST_F(JournaledJobTable, DeadJobsStayInTheJournalUntilRetriedOrDiscarded) {
  std::vector<std::string> ids;
  {
    Journal journal(path_, Durability::kSync);
    JobTable table("run1", quick_policy(), &journal);
    ids = table.accept(specs(3, "fail", 1), 1);
    for (const auto& job : dispatch_all(table, 10)) {
      ASSERT_EQ(table.on_recorded(ack(job, OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
    }
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kSync);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  EXPECT_EQ(table.counts().dead, 3u);
  EXPECT_EQ(table.counts().pending, 0u);
  EXPECT_EQ(table.revive(DeadSelection{{ids[1]}, false, ""}, 50).value(),
            std::vector<std::string>{ids[1]});
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.next_for({}, 0)->attempt, 2u);       // attempt numbers go on
  EXPECT_EQ(table.next_for({}, 0)->max_attempts, 2u);  // with one more round of 1 attempt
  EXPECT_EQ(table.discard(DeadSelection{{}, true, "fail"}).value().size(), 2u);
  EXPECT_EQ(table.counts().dead, 0u);
  ASSERT_TRUE(journal.commit().ok());
  EXPECT_EQ(journal.count_dead(), 0u);
}

TEST_F(JournaledJobTable, ARepeatedFailureOfAnEarlierAttemptDoesNotBuryARevivedJob) {
  Journal journal(path_, Durability::kBatched);
  JobTable table("run1", quick_policy(), &journal);
  const auto ids = table.accept(specs(1, "fail", 1), 1);
  const auto first = dispatch_all(table, 10)[0];
  ASSERT_EQ(table.on_recorded(ack(first, OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
  ASSERT_TRUE(journal.commit().ok());
  ASSERT_EQ(table.revive(DeadSelection{{ids[0], ids[0]}, false, ""}, 30).value().size(), 1u)
      << "named twice, revived once";
  const auto second = dispatch_all(table, 40);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2u);
  // Attempt 1's outcome delivered again: the sink calls it final (its row said so), but a
  // later attempt is running.
  EXPECT_EQ(table.on_recorded(ack(first, OutcomeStatus::kFailed, true, true), 50),
            AckEffect::kStale);
  EXPECT_EQ(table.counts().in_flight, 1u);
  EXPECT_EQ(table.on_recorded(ack(second[0], OutcomeStatus::kSucceeded, true), 60),
            AckEffect::kSucceeded);
  EXPECT_EQ(table.counts().dead, 0u);
}

TEST_F(JournaledJobTable, ARetriedDeadJobBacksOffAsAtItsFirstRound) {
  Journal journal(path_, Durability::kBatched);
  JobTable table("run1", quick_policy(), &journal);
  const auto ids = table.accept(specs(1, "fail", 3), 1);
  std::uint64_t now = 10;
  // Round 1: attempts 1 and 2 fail and are retried, attempt 3 ends it.
  for (std::uint32_t attempt = 1; attempt <= 3; ++attempt) {
    table.promote_due(now);
    const auto sent = dispatch_all(table, now);
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].attempt, attempt);
    table.on_recorded(ack(sent[0], OutcomeStatus::kFailed, attempt == 3), now);
    if (attempt < 3) now = *table.next_timer_ms(0);
  }
  ASSERT_EQ(table.counts().dead, 1u);
  ASSERT_EQ(table.revive(DeadSelection{{ids[0]}, false, ""}, now).value().size(), 1u);
  // Round 2: attempt 4 fails; the wait is the first round's first (100 ms +-25%), not the
  // 800 ms that a fourth attempt's doubling would give.
  const auto fourth = dispatch_all(table, now);
  ASSERT_EQ(fourth.size(), 1u);
  ASSERT_EQ(fourth[0].attempt, 4u);
  ASSERT_EQ(table.on_recorded(ack(fourth[0], OutcomeStatus::kFailed, false), now),
            AckEffect::kRetryScheduled);
  EXPECT_GE(*table.next_timer_ms(0), now + 75);
  EXPECT_LE(*table.next_timer_ms(0), now + 125);
}

TEST_F(JournaledJobTable, AfterARestartDeadJobsAreToldFromTheJournal) {
  std::vector<std::string> ids;
  {
    Journal journal(path_, Durability::kSync);
    JobTable table("run1", quick_policy(), &journal);
    ids = table.accept(specs(3, "fail", 1), 1);
    const auto sent = dispatch_all(table, 10);
    ASSERT_EQ(table.on_recorded(ack(sent[0], OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
    ASSERT_EQ(table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kSync);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  // The endings remembered in memory went with the first run: the journal tells.
  const auto statuses = table.statuses({ids[1], ids[2], ids[0], ids[1], "run1-99"});
  EXPECT_EQ(statuses[0].state, JobState::kDead);
  EXPECT_EQ(statuses[0].attempt, 1u);
  EXPECT_EQ(statuses[0].max_attempts, 1u);
  EXPECT_EQ(statuses[1].state, JobState::kPending) << "restored, to run again";
  EXPECT_EQ(statuses[2].state, JobState::kDead);
  EXPECT_EQ(statuses[3].state, JobState::kDead) << "asked twice, told twice";
  EXPECT_EQ(statuses[4].state, JobState::kUnknown);
}

TEST_F(JournaledJobTable, ARestoredRetryRecordedWhileTheVentilatorWasDownDoesNotRunAgain) {
  std::vector<std::string> ids;
  Job failed_attempt;
  {
    Journal journal(path_, Durability::kBatched);
    JobTable table("run1", quick_policy(), &journal);
    ids = table.accept(specs(1, "echo", 3), 1);
    failed_attempt = dispatch_all(table, 10)[0];
    ASSERT_EQ(table.on_recorded(ack(failed_attempt, OutcomeStatus::kFailed, false), 20),
              AckEffect::kRetryScheduled);
    table.promote_due(10'000);
    (void)dispatch_all(table, 10'000);  // attempt 2 out, then the ventilator dies
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kBatched);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  table.promote_due(20'000);
  // Attempt 2 succeeded while we were down; its ack arrives during the recovery hold.
  EXPECT_EQ(table.on_recorded(Ack{ids[0], OutcomeStatus::kSucceeded, false, 2, true}, 20'001),
            AckEffect::kSucceeded);
  EXPECT_FALSE(table.has_pending()) << "a job already recorded must not go out again";
  EXPECT_EQ(table.counts().succeeded, 1u);
  ASSERT_TRUE(journal.commit().ok());
  EXPECT_TRUE(journal.load_live().empty());
}

// A large payload lives in the journal: in memory only while it is sent, each time it is sent
// (first, again after its worker was lost, and after a restart), byte for byte.
TEST_F(JournaledJobTable, LargePayloadsStayInTheJournalAndGoOutWhole) {
  const auto large = Payload::from_json(nlohmann::json{{"blob", std::string(100'000, 'x')}});
  const auto small = Payload::from_json(nlohmann::json{{"n", 1}});
  {
    Journal journal(path_, Durability::kBatched);
    JobTable table("run1", quick_policy(), &journal);
    table.accept(std::vector<JobSpec>{JobSpec{"echo", large, 0, 0}, JobSpec{"echo", small, 0, 0}},
                 1);
    EXPECT_LT(table.memory_bytes(), 2 * JobTable::kTrackedJobBytes + 200)
        << "the 100 kB payload is not counted: it is not held";
    auto sent = dispatch_all(table, 10);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].payload, large);
    EXPECT_EQ(sent[1].payload, small);
    EXPECT_EQ(table.take_back_from("worker-a").size(), 2u);
    sent = dispatch_all(table, 20, "worker-b");
    EXPECT_EQ(sent[0].payload, large) << "read back again for the second send";
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kBatched);
  const auto live = journal.load_live();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_TRUE(live[0].tracked.payload_in_journal) << "left in the file at restart";
  EXPECT_FALSE(live[1].tracked.payload_in_journal);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(live, {}, {}, 100);
  const auto sent = dispatch_all(table, 100'000);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].payload, large);
  EXPECT_EQ(sent[1].payload, small);
}

TEST(JobTable, TellsWhereEachJobIsAndHowTheLastToEndEnded) {
  JobTable table("p", quick_policy(), nullptr);
  const auto ids = table.accept(specs(4, "echo", 2), 1);
  auto sent = std::vector<Job>{(*table.next_for({}, 0))};
  table.mark_dispatched(10, "worker-a");
  sent.push_back((*table.next_for({}, 0)));
  table.mark_dispatched(10, "worker-b");
  sent.push_back((*table.next_for({}, 0)));
  table.mark_dispatched(10, "worker-b");
  table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 20);
  table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, false), 20);
  auto dead = ack(sent[2], OutcomeStatus::kFailed, true);
  dead.error_code = "invalid";
  dead.error = "sleep needs a payload";
  table.on_recorded(dead, 20);
  const auto statuses = table.statuses({ids[3], ids[0], ids[1], ids[2], "p-99", ids[3]});
  ASSERT_EQ(statuses.size(), 6u);
  EXPECT_EQ(statuses[0].state, JobState::kPending);
  EXPECT_EQ(statuses[1].state, JobState::kSucceeded);
  EXPECT_EQ(statuses[2].state, JobState::kRetrying);
  EXPECT_EQ(statuses[2].attempt, 2u) << "the next attempt";
  EXPECT_GT(statuses[2].due_ms, 20u);
  EXPECT_EQ(statuses[3].state, JobState::kDead);
  EXPECT_EQ(statuses[3].error_code, "invalid");
  EXPECT_EQ(statuses[3].error, "sleep needs a payload");
  EXPECT_EQ(statuses[4].state, JobState::kUnknown);
  EXPECT_EQ(statuses[4].id, "p-99");
  EXPECT_EQ(statuses[5].state, JobState::kPending) << "an id asked twice is answered twice";
  table.promote_due(100'000);
  dispatch_all(table, 100'000, "worker-c");
  const auto running = table.statuses({ids[1]});
  EXPECT_EQ(running[0].state, JobState::kRunning);
  EXPECT_EQ(running[0].worker, "worker-c");
}

TEST(JobTable, RemembersOnlyTheLastEndingsAskedAbout) {
  JobTable table("p", quick_policy(), nullptr);
  const auto total = JobTable::kRememberedEndings + 10;
  const auto ids = table.accept(specs(static_cast<int>(total)), 1);
  for (const auto& job : dispatch_all(table, 10)) {
    table.on_recorded(ack(job, OutcomeStatus::kSucceeded, true), 20);
  }
  const auto statuses = table.statuses({ids.front(), ids[9], ids[10], ids.back()});
  EXPECT_EQ(statuses[0].state, JobState::kUnknown) << "forgotten: the oldest to end";
  EXPECT_EQ(statuses[1].state, JobState::kUnknown);
  EXPECT_EQ(statuses[2].state, JobState::kSucceeded);
  EXPECT_EQ(statuses[3].state, JobState::kSucceeded);
}

TEST(JobTable, MemoryCountsEveryJobHeldUntilItsFinalOutcome) {
  JobTable table("m", quick_policy(), nullptr);
  const auto payload = Payload::from_json(nlohmann::json{{"blob", std::string(5000, 'x')}});
  EXPECT_EQ(table.memory_bytes(), 0u);
  table.accept(std::vector<JobSpec>{JobSpec{"echo", payload, 0, 1}, JobSpec{"echo", payload, 0, 1}},
               1);
  const auto held = table.memory_bytes();
  EXPECT_GT(held, 2 * (JobTable::kTrackedJobBytes + 5000)) << "no journal: payloads in memory";
  auto sent = dispatch_all(table, 10);
  EXPECT_EQ(table.memory_bytes(), held) << "in flight is held too";
  table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 20);
  EXPECT_EQ(table.memory_bytes(), held / 2);
  table.on_recorded(ack(sent[1], OutcomeStatus::kFailed, true), 20);
  EXPECT_EQ(table.memory_bytes(), 0u) << "dead: kept in the journal only";
}

// The counts of `type` in the table's per-type counts; all zero when it has none.
TypeCounts counts_of(const JobTable& table, const std::string& type) {
  for (const auto& t : table.type_counts()) {
    if (t.type == type) return t;
  }
  return TypeCounts{type, 0, 0, 0, 0, 0};
}

TEST(JobTable, CountsJobsPerTypeThroughTheirLives) {
  JobTable table("run1", quick_policy(), nullptr);
  EXPECT_TRUE(table.type_counts().empty()) << "no type before the first job";
  table.accept(specs(2, "echo"), 1);
  table.accept(specs(2, "fail", 2), 1);
  EXPECT_EQ(counts_of(table, "echo"), (TypeCounts{"echo", 2, 0, 0, 0, 0}));
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 2, 0, 0, 0, 0}));
  auto sent = dispatch_all(table, 10);
  EXPECT_EQ(counts_of(table, "echo"), (TypeCounts{"echo", 0, 2, 0, 0, 0}));
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 0, 2, 0, 0, 0}));
  // echo: one succeeds, one is taken back with its worker (pending again).
  table.on_recorded(ack(sent[0], OutcomeStatus::kSucceeded, true), 20);
  // fail: both fail their first attempt, retrying.
  table.on_recorded(ack(sent[2], OutcomeStatus::kFailed, false), 20);
  table.on_recorded(ack(sent[3], OutcomeStatus::kFailed, false), 20);
  EXPECT_EQ(table.take_back_from("worker-a").size(), 1u);
  EXPECT_EQ(counts_of(table, "echo"), (TypeCounts{"echo", 1, 0, 0, 1, 0}));
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 0, 0, 2, 0, 0}));
  table.promote_due(100'000);
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 2, 0, 0, 0, 0}));
  sent = dispatch_all(table, 100'000);
  ASSERT_EQ(sent.size(), 3u);
  for (const auto& job : sent) {
    const bool fails = job.type == "fail";
    table.on_recorded(ack(job, fails ? OutcomeStatus::kFailed : OutcomeStatus::kSucceeded, true),
                      100'010);
  }
  EXPECT_EQ(counts_of(table, "echo"), (TypeCounts{"echo", 0, 0, 0, 2, 0}));
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 0, 0, 0, 0, 2}));
  const auto c = table.counts();
  EXPECT_EQ(c.succeeded, 2u);
  EXPECT_EQ(c.dead, 2u);
}

TEST(JobTable, ADispatchUndoneOrGivenBackIsPendingAgainInItsType) {
  JobTable table("run1", quick_policy(), nullptr);
  table.accept(specs(3, "sleep"), 1);
  const auto sent = dispatch_all(table, 10);
  table.undo_dispatch({sent[0].id});
  EXPECT_TRUE(table.give_back("worker-a", ReleasedJob{sent[1].id, 1}));
  EXPECT_EQ(counts_of(table, "sleep"), (TypeCounts{"sleep", 2, 1, 0, 0, 0}));
  EXPECT_EQ(table.redispatch_overdue(1'000'000).size(), 1u);
  EXPECT_EQ(counts_of(table, "sleep"), (TypeCounts{"sleep", 3, 0, 0, 0, 0}));
}

TEST(JobTable, TypesPastTheLimitAreCountedTogether) {
  JobTable table("run1", quick_policy(), nullptr);
  for (std::size_t i = 0; i < kMaxCountedTypes + 5; ++i) {
    table.accept(specs(1, "type-" + std::to_string(1000 + i)), 1);
  }
  EXPECT_EQ(table.type_counts().size(), kMaxCountedTypes);
  ASSERT_TRUE(table.other_type_counts());
  EXPECT_EQ(*table.other_type_counts(), (TypeCounts{"", 5, 0, 0, 0, 0}));
  const auto sent = dispatch_all(table, 10);
  for (const auto& job : sent) table.on_recorded(ack(job, OutcomeStatus::kSucceeded, true), 20);
  EXPECT_EQ(*table.other_type_counts(), (TypeCounts{"", 0, 0, 0, 5, 0}))
      << "each job stays counted in the place it started in";
  EXPECT_EQ(counts_of(table, "type-1000"), (TypeCounts{"type-1000", 0, 0, 0, 1, 0}));
}

TEST_F(JournaledJobTable, DeadJobsAreCountedByTypeAfterARestartUntilRetriedOrDiscarded) {
  std::vector<std::string> ids;
  {
    Journal journal(path_, Durability::kSync);
    JobTable table("run1", quick_policy(), &journal);
    ids = table.accept(specs(3, "fail", 1), 1);
    table.accept(specs(1, "exec", 1), 1);
    for (const auto& job : dispatch_all(table, 10)) {
      ASSERT_EQ(table.on_recorded(ack(job, OutcomeStatus::kFailed, true), 20), AckEffect::kDead);
    }
    table.accept(specs(2, "echo"), 30);  // still pending at the restart
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kSync);
  JobTable table("run2", quick_policy(), &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), {}, 100);
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 0, 0, 0, 0, 3}));
  EXPECT_EQ(counts_of(table, "exec"), (TypeCounts{"exec", 0, 0, 0, 0, 1}));
  EXPECT_EQ(counts_of(table, "echo"), (TypeCounts{"echo", 2, 0, 0, 0, 0}));
  EXPECT_EQ(table.counts().dead, 4u);
  ASSERT_EQ(table.revive(DeadSelection{{ids[0]}, false, ""}, 50).value().size(), 1u);
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 1, 0, 0, 0, 2}));
  ASSERT_EQ(table.discard(DeadSelection{{}, true, "fail"}).value().size(), 2u);
  EXPECT_EQ(counts_of(table, "fail"), (TypeCounts{"fail", 1, 0, 0, 0, 0}));
  EXPECT_EQ(counts_of(table, "exec"), (TypeCounts{"exec", 0, 0, 0, 0, 1}));
}

// Each job sent leaves a deadline behind, taken out lazily: at full speed, with the default
// 5-minute time limit, they were millions. They are dropped in bulk, and a job still in flight
// keeps its own.
TEST(JobTable, DeadlinesOfRecordedJobsDoNotPileUpAndTheLiveOnesStay) {
  JobPolicy policy;
  policy.timeout_ms = 300'000;
  policy.redispatch_grace_ms = 0;
  JobTable table("p", policy, nullptr);
  const auto slow = table.accept(specs(1, "echo"), 1)[0];
  ASSERT_NE(table.next_for({}, 1), nullptr);
  table.mark_dispatched(1, "w");
  for (int round = 0; round < 300; ++round) {
    const auto ids = table.accept(specs(1000, "echo"), 2);
    for (const auto& id : ids) {
      ASSERT_NE(table.next_for({}, 2), nullptr);
      table.mark_dispatched(2, "w");
      table.on_recorded(Ack{id, OutcomeStatus::kSucceeded, false, 1, true}, 3);
    }
  }
  EXPECT_LT(table.deadlines_held(), 2 * JobTable::kStaleTimersKept + 1000)
      << "300,000 jobs sent and recorded";
  EXPECT_TRUE(table.redispatch_overdue(300'000).empty()) << "not before its deadline";
  EXPECT_EQ(table.redispatch_overdue(300'001), (std::vector<std::string>{slow}));
}

}  // namespace
}  // namespace zpipe
