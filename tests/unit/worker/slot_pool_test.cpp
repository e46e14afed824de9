#include "worker/slot_pool.hpp"

#include <poll.h>

#include <algorithm>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "worker/builtin_handlers.hpp"
#include "worker/middleware.hpp"

namespace zpipe {
namespace {

std::vector<Outcome> wait_for_outcomes(SlotPool& pool, std::size_t count) {
  std::vector<Outcome> all;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (all.size() < count && std::chrono::steady_clock::now() < give_up) {
    pollfd fd{pool.wake_fd(), POLLIN, 0};
    ::poll(&fd, 1, 100);
    for (auto& o : pool.take_reports().finished) all.push_back(std::move(o));
  }
  return all;
}

Job job_of(const std::string& id, const std::string& type, const nlohmann::json& payload) {
  return Job{id, type, Payload::from_json(payload), 1, 1, 5000, 0};
}

TEST(SlotPool, RunsJobsConcurrentlyUpToItsSlots) {
  SlotPool pool(3, builtin_handlers({}), "w");
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) pool.start(job_of("j" + std::to_string(i), "sleep", {{"ms", 200}}));
  EXPECT_EQ(pool.busy(), 3u);
  const auto outcomes = wait_for_outcomes(pool, 3);
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(550));
  EXPECT_EQ(pool.outstanding(), 0u);
  for (const auto& o : outcomes) {
    EXPECT_TRUE(o.succeeded());
    EXPECT_EQ(o.worker, "w");
    EXPECT_GE(o.finished_ms, o.started_ms);
  }
}

TEST(SlotPool, JobsQueuedAheadWaitForASlotAndCanBeTakenBack) {
  SlotPool pool(1, builtin_handlers({}), "w");
  for (int i = 0; i < 3; ++i) pool.start(job_of("j" + std::to_string(i), "sleep", {{"ms", 300}}));
  EXPECT_EQ(pool.busy(), 1u) << "one running and two queued ahead";
  EXPECT_EQ(pool.outstanding(), 3u);
  pollfd wake{pool.wake_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&wake, 1, 5000), 1) << "a slot says when it starts a job";
  const auto report = pool.take_reports();
  ASSERT_EQ(report.started.size(), 1u) << "the two waiting for a slot have not started";
  EXPECT_EQ(report.started[0].id, "j0");
  EXPECT_TRUE(report.finished.empty());

  const auto queued = pool.take_queued();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].id, "j1");
  EXPECT_EQ(queued[1].id, "j2");
  EXPECT_EQ(pool.outstanding(), 1u);
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].id, "j0");
  EXPECT_EQ(pool.outstanding(), 0u);
}

// A stopping worker gives back what waits behind busy slots, not a job that an idle slot's
// thread has simply not woken up for yet (as under a sanitizer, or a loaded machine).
TEST(SlotPool, AJobWithAnIdleSlotIsNotTakenBack) {
  SlotPool pool(2, builtin_handlers({}), "w");
  pool.start(job_of("j0", "sleep", {{"ms", 200}}));
  pool.start(job_of("j1", "sleep", {{"ms", 200}}));
  EXPECT_TRUE(pool.take_queued().empty()) << "both have a slot, woken or not";
  pool.start(job_of("j2", "sleep", {{"ms", 200}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both slots busy now
  const auto queued = pool.take_queued();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].id, "j2");
  const auto outcomes = wait_for_outcomes(pool, 2);
  EXPECT_EQ(outcomes.size(), 2u);
}

TEST(SlotPool, ManyShortJobsAllComeBackThroughFewWakeUps) {
  SlotPool pool(2, builtin_handlers({}), "w");
  for (int i = 0; i < 1000; ++i) pool.start(job_of("j" + std::to_string(i), "echo", {{"n", i}}));
  const auto outcomes = wait_for_outcomes(pool, 1000);
  ASSERT_EQ(outcomes.size(), 1000u);
  std::set<std::string> ids;
  for (const auto& o : outcomes) {
    EXPECT_TRUE(o.succeeded()) << o.error;
    ids.insert(o.id);
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(pool.outstanding(), 0u);
}

TEST(SlotPool, UnknownTypeFailsNamingTheTypeAndWhatIsHandled) {
  SlotPool pool(1, builtin_handlers({}), "w");
  pool.start(job_of("j1", "resize", nullptr));
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].error_code, "unknown_type");
  EXPECT_NE(outcomes[0].error.find("'resize'"), std::string::npos);
  EXPECT_NE(outcomes[0].error.find("echo"), std::string::npos);
}

TEST(SlotPool, AThrowingHandlerFailsTheJobNotTheWorker) {
  auto handlers = builtin_handlers({});
  handlers["explode"] = [](const Job&, const JobContext&) -> HandlerResult {
    throw std::runtime_error("kaboom");
  };
  SlotPool pool(1, handlers, "w");
  pool.start(job_of("j1", "explode", nullptr));
  pool.start(job_of("j2", "echo", 5));
  const auto outcomes = wait_for_outcomes(pool, 2);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].error, "handler threw: kaboom");
  EXPECT_TRUE(outcomes[1].succeeded());
}

TEST(SlotPool, AHandlerReturningAfterItsLimitIsATimeout) {
  auto handlers = builtin_handlers({});
  handlers["slow"] = [](const Job&, const JobContext&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    return succeed();
  };
  SlotPool pool(1, handlers, "w");
  auto job = job_of("j1", "slow", nullptr);
  job.timeout_ms = 50;
  pool.start(job);
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].error_code, "timeout");
}

// Waits until the slots have begun `id`.
bool wait_for_start(SlotPool& pool, const std::string& id) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    const auto running = pool.running();
    if (std::any_of(running.begin(), running.end(), [&](const auto& r) { return r.id == id; })) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(SlotPool, ACancelledRunningJobIsRecordedCancelledByWhoAsked) {
  SlotPool pool(2, builtin_handlers({}), "w");
  auto job = job_of("j1", "sleep", {{"ms", 30'000}});
  job.queue = "critical";
  pool.start(job);
  pool.start(job_of("j2", "sleep", {{"ms", 300}}));
  ASSERT_TRUE(wait_for_start(pool, "j1"));
  const auto asked = std::chrono::steady_clock::now();
  const auto found = pool.cancel("j1", 1, "alice@web1");
  EXPECT_EQ(found.where, CancelFound::Where::kRunning);
  EXPECT_FALSE(found.outcome.has_value()) << "its outcome comes from its handler";
  auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(250))
      << "sleep heeds its cancellation";
  EXPECT_EQ(outcomes[0].id, "j1");
  EXPECT_EQ(outcomes[0].status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcomes[0].error_code, "cancelled");
  EXPECT_EQ(outcomes[0].error, "cancelled by alice@web1");
  EXPECT_EQ(outcomes[0].queue, "critical");
  // The cancellation was that job's own: the other one sleeps its time and succeeds.
  outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].id, "j2");
  EXPECT_TRUE(outcomes[0].succeeded()) << outcomes[0].error;
  EXPECT_EQ(outcomes[0].queue, "") << "the default queue is left unsaid";
}

TEST(SlotPool, ACancelledWaitingJobComesOutAtOnceWithItsCancelledOutcome) {
  SlotPool pool(1, builtin_handlers({}), "w");
  pool.start(job_of("j1", "sleep", {{"ms", 300}}));
  pool.start(job_of("j2", "echo", 5));
  ASSERT_TRUE(wait_for_start(pool, "j1"));
  EXPECT_EQ(pool.cancel("j2", 2, "bob").where, CancelFound::Where::kNotHeld)
      << "another attempt of it is not this one";
  const auto found = pool.cancel("j2", 1, "");
  ASSERT_EQ(found.where, CancelFound::Where::kWaiting);
  ASSERT_TRUE(found.outcome.has_value());
  EXPECT_EQ(found.outcome->id, "j2");
  EXPECT_EQ(found.outcome->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(found.outcome->error, "cancelled");
  EXPECT_EQ(found.outcome->payload, Payload::from_json(5));
  EXPECT_EQ(pool.outstanding(), 1u) << "only the running one is left";
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].id, "j1");
  EXPECT_EQ(pool.outstanding(), 0u) << "j2 never runs";
  EXPECT_EQ(pool.cancel("j1", 1, "bob").where, CancelFound::Where::kNotHeld) << "over already";
}

TEST(SlotPool, AHandlerThatSucceedsDespiteItsCancellationIsRecordedAsSucceeded) {
  auto handlers = builtin_handlers({});
  std::atomic<bool> cancel_seen{false};
  handlers["deaf"] = [&](const Job&, const JobContext& context) {
    while (!context.is_cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    cancel_seen = true;
    return succeed("done anyway");
  };
  SlotPool pool(1, handlers, "w");
  pool.start(job_of("j1", "deaf", nullptr));
  ASSERT_TRUE(wait_for_start(pool, "j1"));
  EXPECT_EQ(pool.cancel("j1", 1, "bob").where, CancelFound::Where::kRunning);
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(cancel_seen);
  EXPECT_TRUE(outcomes[0].succeeded()) << "the work was done: the record says so";
}

TEST(SlotPool, GivingUpOnACancelledHandlerSendsItsOutcomeAndKeepsTheSlotUntilItReturns) {
  auto handlers = builtin_handlers({});
  std::atomic<bool> release{false};
  handlers["stubborn"] = [&](const Job&, const JobContext&) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return succeed();
  };
  SlotPool pool(1, handlers, "w");
  pool.start(job_of("j1", "stubborn", {{"n", 1}}));
  ASSERT_TRUE(wait_for_start(pool, "j1"));
  EXPECT_FALSE(pool.give_up_on("j1", 1).has_value()) << "not cancelled: nothing to give up";
  EXPECT_EQ(pool.cancel("j1", 1, "carol").where, CancelFound::Where::kRunning);
  const auto outcome = pool.give_up_on("j1", 1);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcome->error, "cancelled by carol");
  EXPECT_EQ(outcome->payload, Payload::from_json({{"n", 1}}));
  EXPECT_FALSE(pool.give_up_on("j1", 1).has_value()) << "one outcome per attempt";
  EXPECT_EQ(pool.outstanding(), 1u) << "its slot is still taken";
  EXPECT_EQ(pool.busy(), 1u);

  release = true;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t finished = 0;
  while (pool.outstanding() > 0 && std::chrono::steady_clock::now() < give_up) {
    pollfd fd{pool.wake_fd(), POLLIN, 0};
    ::poll(&fd, 1, 100);
    finished += pool.take_reports().finished.size();
  }
  EXPECT_EQ(pool.outstanding(), 0u) << "the slot is free once the handler returns";
  EXPECT_EQ(finished, 0u) << "what the handler returned is dropped: its outcome went already";
}

TEST(SlotPool, CancelAllReachesEveryRunningJob) {
  SlotPool pool(2, builtin_handlers({}), "w");
  pool.start(job_of("j1", "sleep", {{"ms", 30'000}}));
  pool.start(job_of("j2", "sleep", {{"ms", 30'000}}));
  ASSERT_TRUE(wait_for_start(pool, "j1"));
  ASSERT_TRUE(wait_for_start(pool, "j2"));
  pool.cancel_all();
  const auto outcomes = wait_for_outcomes(pool, 2);
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.status, OutcomeStatus::kFailed) << "a stop, not a user's cancel";
    EXPECT_EQ(o.error_code, "cancelled");
  }
}

// A handler that enqueues {"n": N} "ocr" follow-ups, then fails when the payload says so.
Handler fan_out() {
  return [](const Job& job, const JobContext& context) {
    const auto args = job.payload.to_json();
    for (int i = 1; i <= args.value("n", 0); ++i) {
      context.enqueue(JobSpec{"ocr", Payload::from_json({{"page", i}}), 0, 0});
    }
    return args.value("fail", false) ? fail("no pages after all") : succeed();
  };
}

TEST(SlotPool, ASucceededJobsOutcomeCarriesItsFollowUpsInOrder) {
  SlotPool pool(1, {{"split", fan_out()}}, "w");
  pool.start(job_of("j1", "split", {{"n", 3}}));
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_TRUE(outcomes[0].succeeded()) << outcomes[0].error;
  ASSERT_EQ(outcomes[0].follow_ups.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes[0].follow_ups[i].type, "ocr");
    EXPECT_EQ(outcomes[0].follow_ups[i].payload.to_json(), (nlohmann::json{{"page", i + 1}}));
  }
}

TEST(SlotPool, TheFollowUpsOfAFailedOrLateAttemptAreDropped) {
  SlotPool pool(1, {{"split", fan_out()}}, "w");
  pool.start(job_of("failed", "split", {{"n", 3}, {"fail", true}}));
  auto late = job_of("late", "split", {{"n", 3}});
  late.timeout_ms = 0;  // over before the handler returns
  pool.start(late);
  const auto outcomes = wait_for_outcomes(pool, 2);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].error, "no pages after all");
  EXPECT_EQ(outcomes[1].error_code, "timeout");
  EXPECT_TRUE(outcomes[0].follow_ups.empty());
  EXPECT_TRUE(outcomes[1].follow_ups.empty());
}

TEST(SlotPool, TooManyFollowUpsFailTheAttemptSayingSo) {
  SlotPool pool(1, {{"split", fan_out()}}, "w");
  pool.start(job_of("j1", "split", {{"n", 1001}}));
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, OutcomeStatus::kFailed);
  EXPECT_EQ(outcomes[0].error_code, "too_large");
  EXPECT_EQ(outcomes[0].error, "the handler enqueued 1001 follow-ups, more than the limit of 1000");
  EXPECT_TRUE(outcomes[0].follow_ups.empty());
}

TEST(SlotPool, EveryOutcomeEchoesTheJobsParentBatchAndChain) {
  SlotPool pool(1, builtin_handlers({}), "w");
  const auto in_workflow = [](Job job) {
    job.parent = "mx-1";
    job.batch = "mx-b1";
    job.then = {JobSpec{"upload", Payload(), 0, 0}};
    return job;
  };
  pool.start(in_workflow(job_of("ran", "sleep", {{"ms", 200}})));
  pool.start(in_workflow(job_of("unknown", "resize", nullptr)));
  pool.start(in_workflow(job_of("waiting", "echo", 1)));
  ASSERT_TRUE(wait_for_start(pool, "ran"));
  const auto cancelled = pool.cancel("waiting", 1, "bob");
  ASSERT_TRUE(cancelled.outcome.has_value());
  auto outcomes = wait_for_outcomes(pool, 2);
  outcomes.push_back(*cancelled.outcome);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& outcome : outcomes) {
    EXPECT_EQ(outcome.parent, "mx-1") << outcome.id;
    EXPECT_EQ(outcome.batch, "mx-b1") << outcome.id;
    EXPECT_EQ(outcome.then, (std::vector<JobSpec>{JobSpec{"upload", Payload(), 0, 0}}))
        << outcome.id;
  }
}

TEST(SlotPool, AnExceptionNoMiddlewareCatchesFailsTheJobWithItsText) {
  const Handler explode = [](const Job&, const JobContext&) -> HandlerResult {
    throw std::runtime_error("kaboom");
  };
  const auto watch = after([](const Job&, const JobContext&, HandlerResult&) {});
  SlotPool pool(1, {{"explode", with_middleware(explode, {watch})}}, "w");
  pool.start(job_of("j1", "explode", nullptr));
  const auto outcomes = wait_for_outcomes(pool, 1);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].error, "handler threw: kaboom");
}

}  // namespace
}  // namespace zpipe
