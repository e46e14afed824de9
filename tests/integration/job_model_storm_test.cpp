// The kill storms of nothing_lost_test with the job model in the mix: jobs spread over two queues
// that workers serve by weight or in strict order, with mixed priorities and a share delayed by a
// few seconds. Whatever is killed, every acknowledged job is recorded exactly once, in its queue,
// none started before its time, and the ventilator is left holding nothing.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "tests/support/log_numbers.hpp"
#include "tests/support/nothing_lost_checks.hpp"
#include "tests/support/submit_all.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// How the workers of these tests take their queues: by weight (Sidekiq), or b strictly before a
// (Resque). Workers alternate between the two.
const std::vector<std::vector<std::string>> kQueueChoices{{"--queues", "a:3,b:1"},
                                                          {"--queues", "b,a"}};
const std::vector<std::string>& queue_choice(std::size_t worker) {
  return kQueueChoices[worker % kQueueChoices.size()];
}

// Short sleeps over queues a and b, with priorities -5, 0 and 9 (a negative number runs first),
// one in ten delayed to a time between `earliest` and `latest` from now.
std::vector<JobSpec> mixed_jobs(int count, std::chrono::milliseconds earliest,
                                std::chrono::milliseconds latest, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::uint64_t> delay_ms(
      static_cast<std::uint64_t>(earliest.count()), static_cast<std::uint64_t>(latest.count()));
  constexpr std::array<std::int32_t, 3> kPriorities{-5, 0, 9};
  const auto now_ms = unix_ms_now();
  std::vector<JobSpec> specs;
  specs.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    JobSpec spec{"sleep", Payload::from_json({{"ms", 2}}), 0, 0};
    spec.queue = random() % 2 == 0 ? "a" : "b";
    spec.priority = kPriorities[random() % kPriorities.size()];
    if (random() % 10 == 0) spec.run_at_ms = now_ms + delay_ms(random);
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::size_t delayed_count(const std::vector<JobSpec>& specs) {
  return static_cast<std::size_t>(
      std::count_if(specs.begin(), specs.end(), [](const JobSpec& s) { return s.run_at_ms > 0; }));
}

// Every recorded outcome, by job id.
std::map<std::string, Outcome> recorded_by_id(TestPipeline& pipeline) {
  std::map<std::string, Outcome> outcomes;
  for (auto& row : pipeline.store()->list({std::nullopt, "", 10'000'000}).value()) {
    auto id = row.outcome.id;
    outcomes.emplace(std::move(id), std::move(row.outcome));
  }
  return outcomes;
}

// Each job (ids[i] submitted as specs[i]) recorded in the queue it was submitted to, and started
// no earlier than its run_at. Prints how late the delayed ones started.
void expect_recorded_as_submitted(TestPipeline& pipeline, const std::vector<std::string>& ids,
                                  const std::vector<JobSpec>& specs) {
  ASSERT_EQ(ids.size(), specs.size());
  const auto outcomes = recorded_by_id(pipeline);
  std::vector<std::string> in_another_queue;
  std::vector<std::string> early;
  std::vector<std::uint64_t> lateness_ms;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto found = outcomes.find(ids[i]);
    if (found == outcomes.end()) continue;  // expect_recorded_exactly_once names it
    const auto& o = found->second;
    if (o.queue != specs[i].queue) in_another_queue.push_back(o.id + " in '" + o.queue + "'");
    if (specs[i].run_at_ms == 0) continue;
    if (o.started_ms < specs[i].run_at_ms) {
      early.push_back(o.id + " " + std::to_string(specs[i].run_at_ms - o.started_ms) + " ms early");
    } else {
      lateness_ms.push_back(o.started_ms - specs[i].run_at_ms);
    }
  }
  EXPECT_TRUE(in_another_queue.empty())
      << in_another_queue.size() << " jobs recorded in another queue, first "
      << in_another_queue[0];
  EXPECT_TRUE(early.empty()) << early.size() << " jobs started before their run_at, first "
                             << early[0];
  if (lateness_ms.empty()) return;
  std::sort(lateness_ms.begin(), lateness_ms.end());
  std::cout << lateness_ms.size() << " delayed jobs started after their run_at by: median "
            << lateness_ms[lateness_ms.size() / 2] << " ms, max " << lateness_ms.back() << " ms\n";
}

// Of the jobs ready from the start (not delayed) that started at or after `since_ms`: the share
// of the pairs in one queue and of different priorities that started in the wrong order, the
// larger number more than 50 ms before the smaller (jobs already in a worker's window start a
// little after the next ones handed out). 0 when no such pair.
double share_out_of_priority_order(TestPipeline& pipeline, const std::vector<std::string>& ids,
                                   const std::vector<JobSpec>& specs, std::uint64_t since_ms) {
  const auto outcomes = recorded_by_id(pipeline);
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::int32_t>>> by_queue;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto found = outcomes.find(ids[i]);
    if (specs[i].run_at_ms > 0 || found == outcomes.end()) continue;
    if (found->second.started_ms < since_ms) continue;
    by_queue[specs[i].queue].emplace_back(found->second.started_ms, specs[i].priority);
  }
  std::uint64_t pairs = 0;
  std::uint64_t wrong = 0;
  for (auto& [queue, started] : by_queue) {
    std::sort(started.begin(), started.end());
    for (std::size_t i = 0; i < started.size(); ++i) {
      for (std::size_t j = i + 1; j < started.size(); ++j) {
        if (started[i].second == started[j].second) continue;
        ++pairs;
        wrong += started[i].second > started[j].second && started[j].first > started[i].first + 50
                     ? 1
                     : 0;
      }
    }
  }
  return pairs == 0 ? 0.0 : static_cast<double>(wrong) / static_cast<double>(pairs);
}

// Short time limits, so that jobs held by a program that died come back in seconds.
TestPipelineOptions quick_redispatch(int slots) {
  TestPipelineOptions options(0, slots);
  options.ventilator_args = {"--default-timeout-ms", "2000", "--redispatch-grace", "1"};
  return options;
}

void add_workers(TestPipeline& pipeline, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) pipeline.add_worker(queue_choice(i));
}

// As NothingLost's worker storm: jobs of a killed worker come back because the ventilator saw it
// go (a 10 s time limit, each job 2 ms), delayed jobs among them included.
TEST(JobModelStorm, WorkersKilledEverySecondLoseNoJobAndRunNoneBeforeItsTime) {
  constexpr int kJobs = 20'000;
  TestPipelineOptions options(0, 4);
  options.ventilator_args = {"--default-timeout-ms", "10000", "--redispatch-grace", "1"};
  options.worker_events_to = "ipc:///tmp/zpipe-nobody-listens-" + std::to_string(::getpid());
  TestPipeline pipeline(options);
  add_workers(pipeline, 3);
  auto client = pipeline.client();
  const auto specs = mixed_jobs(kJobs, 2s, 8s, 20261204);
  const auto ids = submit_all(client, specs);
  ASSERT_EQ(ids.size(), specs.size());

  std::mt19937 random(20261204);
  std::vector<std::size_t> alive{0, 1, 2};
  int kills = 0;
  // A guard against a hang, as in NothingLost's storm: under ThreadSanitizer on 2 cores beside
  // another storm the pipeline records ~600 jobs/s, and the run takes 35-50 s.
  const auto give_up = std::chrono::steady_clock::now() + 180s;
  while (!pipeline.wait_for_finished(kJobs, 1s)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "jobs still unfinished";
    // A random worker dies without warning; a fresh one takes its place and its queues.
    const auto pick = std::uniform_int_distribution<std::size_t>(0, alive.size() - 1)(random);
    pipeline.kill_worker(alive[pick]);
    pipeline.add_worker(queue_choice(pick));
    alive[pick] = pipeline.worker_count() - 1;
    ++kills;
  }
  EXPECT_GE(kills, 4) << "the delayed jobs alone take 8 s";
  expect_recorded_exactly_once(pipeline, ids);
  expect_recorded_as_submitted(pipeline, ids, specs);
  expect_nothing_left(pipeline, kJobs);
  EXPECT_TRUE(pipeline.stop());
  const auto log = pipeline.log_of("ventilator");
  ASSERT_NE(log.find("dispatched again after their time limit"), std::string::npos) << log;
  EXPECT_EQ(number_before(log, "dispatched again after their time limit"), 0u) << log;
  std::cout << "workers killed: " << kills << "; delayed jobs: " << delayed_count(specs)
            << "; jobs taken back from killed workers: "
            << number_before(log, "taken back from lost workers") << "\n";
}

// The ventilator dies while delayed jobs wait and every queue still holds jobs of each priority:
// the restarted one keeps each job's queue, priority and time.
TEST(JobModelStorm, TheVentilatorKilledWhileJobsWaitKeepsTheirQueuePriorityAndTime) {
  constexpr int kJobs = 6'000;
  TestPipeline pipeline(quick_redispatch(2));
  add_workers(pipeline, 2);
  const auto specs = mixed_jobs(kJobs, 4s, 9s, 20261205);
  std::vector<std::string> ids;
  {
    auto client = pipeline.client();
    ids = submit_all(client, specs);
  }
  ASSERT_EQ(ids.size(), specs.size());
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs / 8; }, 30s));
  const auto before = pipeline.client().status();
  ASSERT_TRUE(before.ok());
  ASSERT_GT(before.value().scheduled, 0u) << "the crash must come while delayed jobs wait";
  ASSERT_GT(before.value().pending, static_cast<std::uint64_t>(kJobs / 2))
      << "and while every queue holds jobs of each priority";
  pipeline.crash_and_restart_ventilator();
  const auto restarted_ms = unix_ms_now();
  EXPECT_NE(pipeline.log_of("ventilator").find("unfinished jobs"), std::string::npos);
  ASSERT_TRUE(wait_until(
      [&] {
        auto status = pipeline.client().status();
        return status.ok() &&
               status.value().pending + status.value().in_flight + status.value().scheduled == 0;
      },
      40s));
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs; }, 20s));
  expect_recorded_exactly_once(pipeline, ids);
  expect_recorded_as_submitted(pipeline, ids, specs);
  expect_nothing_left(pipeline, kJobs);
  // Priorities lost in the restart would run the rest in the order of submission: about half of
  // the pairs of different priorities out of order.
  const auto out_of_order = share_out_of_priority_order(pipeline, ids, specs, restarted_ms);
  EXPECT_LE(out_of_order, 0.02) << "of the pairs started since the restart";
  std::cout << "scheduled at the crash: " << before.value().scheduled
            << "; pending: " << before.value().pending
            << "; pairs out of priority order since the restart: " << out_of_order * 100 << "%\n";
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelStorm, TheSinkKilledAndRestartedRecordsEveryJobOnceInItsQueueAndOnTime) {
  constexpr int kJobs = 6'000;
  TestPipeline pipeline(quick_redispatch(2));
  add_workers(pipeline, 2);
  auto client = pipeline.client();
  const auto specs = mixed_jobs(kJobs, 1s, 6s, 20261206);
  const auto ids = submit_all(client, specs);
  ASSERT_EQ(ids.size(), specs.size());
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs / 4; }, 30s));
  const auto before = client.status();
  ASSERT_TRUE(before.ok());
  pipeline.crash_and_restart_sink();
  ASSERT_TRUE(pipeline.wait_for_finished(kJobs, 40s));
  expect_recorded_exactly_once(pipeline, ids);
  expect_recorded_as_submitted(pipeline, ids, specs);
  expect_nothing_left(pipeline, kJobs);
  std::cout << "scheduled at the crash: " << before.value().scheduled << "\n";
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
