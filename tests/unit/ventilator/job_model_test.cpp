// The job model in the JobTable: routing by type, queues and priorities, delayed jobs, cancel,
// unique keys, limits and totals kept in the journal.
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "ventilator/job_table.hpp"

namespace zpipe {
namespace {

JobSpec spec(std::string type, std::string queue = "", std::int32_t priority = 0) {
  JobSpec s;
  s.type = std::move(type);
  s.queue = std::move(queue);
  s.priority = priority;
  return s;
}

// Takes what `route` may take now, in order, sending each to `worker`.
std::vector<Job> take_all(JobTable& table, const WorkerRoute& route, std::uint64_t now = 10,
                          const std::string& worker = "w") {
  std::vector<Job> taken;
  while (const auto* job = table.next_for(route, now)) {
    taken.push_back(*job);
    table.mark_dispatched(now, worker);
  }
  return taken;
}

std::vector<std::string> types_of(const std::vector<Job>& jobs) {
  std::vector<std::string> types;
  for (const auto& job : jobs) types.push_back(job.type + "@" + job.queue);
  return types;
}

TEST(JobModel, AJobGoesOnlyToAWorkerThatHandlesItsTypeAndTheRestWait) {
  JobTable table("p", {}, nullptr);
  table.accept({spec("word_count"), spec("echo"), spec("word_count")}, 1);
  const auto echo_only = take_all(table, WorkerRoute{{"echo"}, {}, {}});
  EXPECT_EQ(types_of(echo_only), (std::vector<std::string>{"echo@default"}));
  EXPECT_EQ(table.counts().pending, 2u) << "word_count jobs wait, not failed";
  EXPECT_EQ(table.waiting_types().at("word_count"), 2u);
  const auto counter = take_all(table, WorkerRoute{{"word_count"}, {}, {}});
  EXPECT_EQ(counter.size(), 2u);
}

TEST(JobModel, WithinAQueueTheLowestPriorityNumberRunsFirstThenArrivalOrder) {
  JobTable table("p", {}, nullptr);
  const auto ids = table.accept(
      {spec("a", "", 5), spec("a", "", 0), spec("b", "", 0), spec("a", "", -3), spec("b", "", 5)},
      1);
  const auto taken = take_all(table, {});
  std::vector<std::string> order;
  for (const auto& job : taken) order.push_back(job.id);
  EXPECT_EQ(order, (std::vector<std::string>{ids[3], ids[1], ids[2], ids[0], ids[4]}));
}

TEST(JobModel, QueuesNamedInOrderAreServedStrictly) {
  JobTable table("p", {}, nullptr);
  table.accept({spec("t", "low"), spec("t", "default"), spec("t", "critical"), spec("t", "low"),
                spec("t", "critical")},
               1);
  const auto taken = take_all(table, WorkerRoute{{}, {"critical", "default", "low"}, {}});
  EXPECT_EQ(types_of(taken),
            (std::vector<std::string>{"t@critical", "t@critical", "t@default", "t@low", "t@low"}));
}

TEST(JobModel, WeightedQueuesAreServedInProportion) {
  JobTable table("p", {}, nullptr);
  std::vector<JobSpec> specs;
  for (int i = 0; i < 3000; ++i) specs.push_back(spec("t", i % 2 == 0 ? "high" : "low"));
  table.accept(specs, 1);
  // The first 1000 taken: about 3 high for each low.
  std::size_t high = 0;
  const WorkerRoute route{{}, {"high", "low"}, {3, 1}};
  for (int i = 0; i < 1000; ++i) {
    const auto* job = table.next_for(route, 10);
    ASSERT_NE(job, nullptr);
    high += job->queue == "high" ? 1 : 0;
    table.mark_dispatched(10, "w");
  }
  EXPECT_GT(high, 700u);
  EXPECT_LT(high, 800u);
}

TEST(JobModel, APausedQueueHoldsItsJobsUntilResumed) {
  JobTable table("p", {}, nullptr);
  table.accept({spec("t", "mail"), spec("t")}, 1);
  table.set_paused("mail", true);
  EXPECT_EQ(types_of(take_all(table, {})), (std::vector<std::string>{"t@default"}));
  table.set_paused("mail", false);
  EXPECT_EQ(types_of(take_all(table, {})), (std::vector<std::string>{"t@mail"}));
}

TEST(JobModel, ADelayedJobWaitsForItsTime) {
  JobTable table("p", {}, nullptr);
  auto later = spec("t");
  later.run_at_ms = 5000;
  const auto ids = table.accept({later}, 1000);
  EXPECT_EQ(table.counts().scheduled, 1u);
  EXPECT_FALSE(table.has_pending());
  EXPECT_EQ(table.next_timer_ms(1000), 5000u);
  table.promote_due(4999);
  EXPECT_FALSE(table.has_pending()) << "not a millisecond early";
  table.promote_due(5000);
  ASSERT_TRUE(table.has_pending());
  EXPECT_EQ(table.statuses({ids[0]})[0].state, JobState::kPending);
}

TEST(JobModel, CancelTakesWaitingJobsOutAndAsksTheWorkerOfARunningOne) {
  JobTable table("p", {}, nullptr);
  auto later = spec("t");
  later.run_at_ms = 90'000;
  const auto ids = table.accept({spec("t"), spec("t"), later}, 1000);
  ASSERT_NE(table.next_for({}, 1000), nullptr);
  table.mark_dispatched(1000, "worker-a");  // ids[0] runs
  std::vector<CancelAtWorker> at_workers;
  const auto results = table.cancel({ids[0], ids[1], ids[2], "p-999"}, "alice", at_workers);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].result, CancelResult::kCancelling);
  EXPECT_EQ(results[1].result, CancelResult::kCancelled);
  EXPECT_EQ(results[2].result, CancelResult::kCancelled);
  EXPECT_EQ(results[3].result, CancelResult::kUnknown);
  ASSERT_EQ(at_workers.size(), 1u);
  EXPECT_EQ(at_workers[0].owner, "worker-a");
  EXPECT_EQ(at_workers[0].job.id, ids[0]);
  EXPECT_FALSE(table.has_pending()) << "the cancelled pending job never runs";
  const auto records = table.take_cancel_records();
  ASSERT_EQ(records.size(), 2u) << "the ventilator records the two that never ran";
  EXPECT_EQ(records[0].by, "alice");
  EXPECT_TRUE(table.take_cancel_records().empty()) << "each handed out once";
  EXPECT_EQ(table.take_cancel_records(true).size(), 2u) << "all again, while unacknowledged";
  // The sink records them: they are over, counted as cancelled.
  for (const auto& id : {ids[1], ids[2]}) {
    EXPECT_EQ(table.on_recorded(Ack{id, OutcomeStatus::kCancelled, false, 1, true}, 1200),
              AckEffect::kCancelled);
  }
  // The running one's worker stops it and records it as cancelled.
  EXPECT_EQ(table.on_recorded(Ack{ids[0], OutcomeStatus::kCancelled, false, 1, true}, 1300),
            AckEffect::kCancelled);
  EXPECT_EQ(table.counts().cancelled, 3u);
  EXPECT_EQ(table.statuses({ids[1]})[0].state, JobState::kCancelled);
  EXPECT_TRUE(table.take_cancel_records(true).empty());
}

TEST(JobModel, ARunningJobAskedToStopWhoseWorkerGoesIsNotRunAgain) {
  JobTable table("p", {}, nullptr);
  const auto ids = table.accept({spec("t")}, 1000);
  ASSERT_NE(table.next_for({}, 1000), nullptr);
  table.mark_dispatched(1000, "worker-a");
  std::vector<CancelAtWorker> at_workers;
  (void)table.cancel({ids[0]}, "bob", at_workers);
  (void)table.take_back_from("worker-a");
  EXPECT_FALSE(table.has_pending());
  const auto records = table.take_cancel_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, ids[0]);
}

TEST(JobModel, ASubmitWithTheUniqueKeyOfALiveJobGetsThatJobsId) {
  JobTable table("p", {}, nullptr);
  auto once = spec("mail");
  once.unique_key = "contact-42";
  const auto first = table.accept({once}, 1);
  std::vector<std::size_t> added;
  const auto again = table.accept({spec("mail"), once, once}, 2, &added);
  EXPECT_EQ(again[1], first[0]);
  EXPECT_EQ(again[2], first[0]);
  EXPECT_EQ(added, (std::vector<std::size_t>{0})) << "only the job without the key is new";
  EXPECT_EQ(table.counts().accepted, 2u);
  ASSERT_NE(table.next_for({}, 3), nullptr);
  table.mark_dispatched(3, "w");
  EXPECT_EQ(table.accept({once}, 4)[0], first[0]) << "running: still the same job";
  (void)table.on_recorded(Ack{first[0], OutcomeStatus::kSucceeded, false, 1, true}, 5);
  EXPECT_NE(table.accept({once}, 6)[0], first[0]) << "over: the key is free again";
}

TEST(JobModel, AConcurrencyLimitHoldsJobsBackWithoutFailingThem) {
  JobTable table("p", {}, nullptr);
  table.limits().set(
      LimitSpec{LimitSpec::Scope::kType, "api", LimitSpec::Kind::kConcurrency, 0, 2});
  const auto ids = table.accept({spec("api"), spec("api"), spec("api"), spec("echo")}, 1);
  const auto taken = take_all(table, {});
  EXPECT_EQ(types_of(taken),
            (std::vector<std::string>{"api@default", "api@default", "echo@default"}));
  EXPECT_TRUE(table.has_pending()) << "the third waits";
  (void)table.on_recorded(Ack{ids[0], OutcomeStatus::kSucceeded, false, 1, true}, 20);
  EXPECT_EQ(take_all(table, {}).size(), 1u) << "one finished: one more may start";
}

// What `zpipe queues` says of each queue, as jobs wait, run, fail, are retried and cancelled.
TEST(JobModel, QueueSummariesCountTheJobsWaitingForATimeInEachQueue) {
  JobTable table("p", {}, nullptr);
  auto delayed = spec("t", "mail");
  delayed.run_at_ms = 5'000;
  auto failing = spec("t", "mail");
  failing.max_attempts = 3;
  const auto ids = table.accept({delayed, delayed, failing, spec("t", "low")}, 1);
  const auto summary = [&table](const std::string& queue, std::uint64_t now) {
    for (const auto& q : table.queue_summaries(now)) {
      if (q.name == queue) return q;
    }
    return QueueSummary{};
  };
  EXPECT_EQ(summary("mail", 1).scheduled, 2u);
  EXPECT_EQ(summary("mail", 1).pending, 1u);
  ASSERT_EQ(take_all(table, WorkerRoute{{}, {"mail"}, {}}, 1).size(), 1u);
  EXPECT_EQ(summary("mail", 1).running, 1u);
  ASSERT_EQ(table.on_recorded(Ack{ids[2], OutcomeStatus::kFailed, false, 1, false}, 2),
            AckEffect::kRetryScheduled);
  EXPECT_EQ(summary("mail", 2).scheduled, 3u) << "two delayed, one retry";
  std::vector<CancelAtWorker> at_workers;
  (void)table.cancel({ids[0]}, "erin", at_workers);
  EXPECT_EQ(summary("mail", 2).scheduled, 2u);
  table.promote_due(1'000'000);
  EXPECT_EQ(summary("mail", 1'000'000).scheduled, 0u);
  EXPECT_EQ(summary("mail", 1'000'000).pending, 2u);
  EXPECT_EQ(summary("low", 1'000'000).pending, 1u);
  EXPECT_EQ(summary("low", 1'000'000).scheduled, 0u);
}

TEST(JournaledJobModel, QueuesPrioritiesDelaysKeysCancelsAndTotalsSurviveARestart) {
  test::TempDir dir;
  const auto path = dir.path() / "journal.db";
  std::vector<std::string> ids;
  {
    Journal journal(path, Durability::kBatched);
    JobTable table("run1", {}, &journal);
    auto later = spec("t", "mail", 7);
    later.run_at_ms = 90'000;
    later.unique_key = "k1";
    ids = table.accept({later, spec("t", "low", -2), spec("t"), spec("t")}, 1000);
    std::vector<CancelAtWorker> at_workers;
    (void)table.cancel({ids[3]}, "carol", at_workers);
    ASSERT_NE(table.next_for({}, 1000), nullptr);
    table.mark_dispatched(1000, "w");
    (void)table.on_recorded(Ack{ids[2], OutcomeStatus::kSucceeded, false, 1, true}, 1200);
    table.save_totals();
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path, Durability::kBatched);
  JobTable table("run2", {}, &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), journal.load_totals(), 2000);
  const auto counts = table.counts();
  EXPECT_EQ(counts.accepted, 4u);
  EXPECT_EQ(counts.succeeded, 1u);
  EXPECT_EQ(counts.scheduled, 1u);
  EXPECT_EQ(counts.pending, 1u);
  const auto states = table.statuses({ids[0], ids[1], ids[3]});
  EXPECT_EQ(states[0].state, JobState::kScheduled);
  EXPECT_EQ(states[0].due_ms, 90'000u);
  EXPECT_EQ(states[0].queue, "mail");
  EXPECT_EQ(states[1].queue, "low");
  EXPECT_EQ(states[2].state, JobState::kCancelled) << "still to be recorded, never to run";
  EXPECT_EQ(table.take_cancel_records().size(), 1u);
  auto again = spec("t");
  again.unique_key = "k1";
  EXPECT_EQ(table.accept({again}, 2000)[0], ids[0]);
}

// After a restart, a delayed job whose time came while the ventilator was down runs at once;
// one still to come waits for its time, and can be cancelled meanwhile.
TEST(JournaledJobModel, ARestartRunsTheDelayedJobsDueMeanwhileAndKeepsTheOthersWaiting) {
  test::TempDir dir;
  const auto path = dir.path() / "journal.db";
  std::vector<std::string> ids;
  {
    Journal journal(path, Durability::kBatched);
    JobTable table("run1", {}, &journal);
    auto soon = spec("t");
    soon.run_at_ms = 5'000;
    auto later = spec("t");
    later.run_at_ms = 90'000;
    auto latest = spec("t");
    latest.run_at_ms = 95'000;
    ids = table.accept({soon, later, latest}, 1000);
    ASSERT_EQ(table.counts().scheduled, 3u);
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path, Durability::kBatched);
  JobTable table("run2", {}, &journal);
  table.restore(journal.load_live(), journal.count_dead_by_type(), journal.load_totals(), 10'000);
  EXPECT_EQ(table.counts().scheduled, 2u);
  const auto now = take_all(table, {}, 10'000);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].id, ids[0]);
  std::vector<CancelAtWorker> at_workers;
  const auto cancelled = table.cancel({ids[2]}, "dave", at_workers);
  EXPECT_EQ(cancelled[0].result, CancelResult::kCancelled);
  EXPECT_EQ(table.statuses({ids[2]})[0].state, JobState::kCancelled);
  EXPECT_EQ(table.next_timer_ms(10'000), 90'000u);
  EXPECT_TRUE(take_all(table, {}, 89'999).empty()) << "not before its time";
  table.promote_due(90'000);
  const auto due = take_all(table, {}, 90'000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, ids[1]);
  EXPECT_EQ(table.counts().scheduled, 0u);
}

}  // namespace
}  // namespace zpipe
