#include "worker/slot_pool.hpp"

#include <poll.h>

#include <algorithm>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "worker/builtin_handlers.hpp"

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

}  // namespace
}  // namespace zpipe
