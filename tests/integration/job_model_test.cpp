// The job model with the real programs: routing by type in a mixed fleet, queue order, pause,
// delayed and recurring jobs across a ventilator crash, cancel, unique keys, dispatch limits and
// totals that survive a restart.
#include <algorithm>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec job(std::string type, const nlohmann::json& payload, std::string queue = "") {
  JobSpec spec{std::move(type), Payload::from_json(payload), 0, 0};
  spec.queue = std::move(queue);
  return spec;
}

// Every outcome recorded, oldest first by start.
std::vector<Outcome> recorded(TestPipeline& pipeline) {
  std::vector<Outcome> outcomes;
  for (auto& row : pipeline.store()->list({std::nullopt, "", 100'000}).value()) {
    outcomes.push_back(std::move(row.outcome));
  }
  std::sort(outcomes.begin(), outcomes.end(), [](const Outcome& a, const Outcome& b) {
    return std::pair(a.started_ms, a.id) < std::pair(b.started_ms, b.id);
  });
  return outcomes;
}

// Every outcome, in the order the sink recorded them: with one worker of one slot, the order
// they ran in (start times in ms often tie).
std::vector<Outcome> in_record_order(TestPipeline& pipeline) {
  std::vector<Outcome> outcomes;
  for (auto& row : pipeline.store()->list({std::nullopt, "", 100'000}).value()) {
    outcomes.push_back(std::move(row.outcome));
  }
  std::reverse(outcomes.begin(), outcomes.end());  // the store lists the newest first
  return outcomes;
}

bool wait_for_recorded(TestPipeline& pipeline, std::size_t count,
                       std::chrono::milliseconds timeout = 20s) {
  return wait_until([&] { return recorded(pipeline).size() >= count; }, timeout);
}

TEST(JobModelPipeline, AMixedFleetRunsEachTypeOnAWorkerThatHandlesItAndNoneFails) {
  TestPipeline pipeline(TestPipelineOptions(2));  // two stock workers
  const auto& e = pipeline.endpoints();
  auto counter = pipeline.start_program(
      "example-worker", {program("zpipe-example-worker"), "--jobs-from", e.jobs, "--outcomes-to",
                         e.outcomes, "--events-to", e.events_in});
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 30; ++i) {
    jobs.push_back(job("word_count", {{"text", "the cat and the hat " + std::to_string(i)}}));
    jobs.push_back(job("echo", i));
  }
  ASSERT_TRUE(pipeline.client().submit(jobs).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 60));
  const auto counter_suffix = ":" + std::to_string(counter.pid());
  for (const auto& o : recorded(pipeline)) {
    EXPECT_TRUE(o.succeeded()) << o.id << " " << o.type << ": " << o.error_code << " " << o.error;
    if (o.type == "word_count") {
      EXPECT_TRUE(o.worker.ends_with(counter_suffix)) << o.worker << " ran a word_count";
    }
  }
  counter.stop(5000ms);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, AJobNoWorkerHandlesWaitsAndStatusNamesItsType) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  ASSERT_TRUE(client.submit({job("word_count", {{"text", "a"}}), job("echo", 1)}).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 1));
  std::this_thread::sleep_for(300ms);
  const auto status = client.status_report();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().counts.pending, 1u) << "waits, not failed";
  EXPECT_EQ(status.value().types_without_workers, std::vector<std::string>{"word_count"});
  EXPECT_EQ(recorded(pipeline).size(), 1u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, AWorkerServesItsQueuesStrictlyInOrder) {
  TestPipeline pipeline(TestPipelineOptions(0));
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 10; ++i) {
    for (const auto* queue : {"low", "default", "critical"}) jobs.push_back(job("echo", i, queue));
  }
  ASSERT_TRUE(pipeline.client().submit(jobs).ok());
  pipeline.add_worker({"--queues", "critical,default,low"});  // one slot
  ASSERT_TRUE(wait_for_recorded(pipeline, 30));
  std::string order;
  for (const auto& o : in_record_order(pipeline)) order += o.queue.empty() ? 'd' : o.queue[0];
  EXPECT_EQ(order, std::string(10, 'c') + std::string(10, 'd') + std::string(10, 'l'));
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, AWorkerServesWeightedQueuesInProportion) {
  TestPipeline pipeline(TestPipelineOptions(0));
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 400; ++i) jobs.push_back(job("echo", i, i % 2 == 0 ? "high" : "low"));
  ASSERT_TRUE(pipeline.client().submit(jobs).ok());
  pipeline.add_worker({"--queues", "high:3,low:1"});
  ASSERT_TRUE(wait_for_recorded(pipeline, 400));
  const auto outcomes = in_record_order(pipeline);
  const auto high = std::count_if(outcomes.begin(), outcomes.begin() + 200,
                                  [](const Outcome& o) { return o.queue == "high"; });
  EXPECT_GE(high, 130) << "about 150 of the first 200 from the queue of weight 3";
  EXPECT_LE(high, 170);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, APausedQueueHoldsItsJobsUntilResumed) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  ASSERT_TRUE(client.pause("mail").ok());
  ASSERT_TRUE(client.submit({job("echo", 1, "mail"), job("echo", 2, "mail"), job("echo", 3)}).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 1));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(recorded(pipeline).size(), 1u) << "the mail queue is paused";
  const auto queues = client.queues();
  ASSERT_TRUE(queues.ok());
  const auto mail = std::find_if(queues.value().queues.begin(), queues.value().queues.end(),
                                 [](const QueueSummary& q) { return q.name == "mail"; });
  ASSERT_NE(mail, queues.value().queues.end());
  EXPECT_TRUE(mail->paused);
  EXPECT_EQ(mail->pending, 2u);
  ASSERT_TRUE(client.resume("mail").ok());
  EXPECT_TRUE(wait_for_recorded(pipeline, 3));
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, ADelayedJobRunsOnTimeAcrossAVentilatorCrash) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto spec = job("echo", "later");
  spec.run_at_ms = unix_ms_now() + 3000;
  const auto id = pipeline.client().submit(spec);
  ASSERT_TRUE(id.ok());
  std::this_thread::sleep_for(500ms);
  pipeline.crash_and_restart_ventilator();
  ASSERT_TRUE(wait_for_recorded(pipeline, 1, 15s));
  const auto o = recorded(pipeline).front();
  EXPECT_EQ(o.id, id.value());
  EXPECT_GE(o.started_ms, spec.run_at_ms) << "not run early";
  EXPECT_LE(o.started_ms, spec.run_at_ms + 1000) << "run on time";
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, ARecurringJobFiresAndAfterDowntimeFiresOnceNotABurst) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  RecurringJob schedule{"tick", 2000, "", job("echo", "tick")};
  ASSERT_TRUE(client.add_schedule(schedule).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 2, 10s));
  const auto listed = client.schedules();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value().schedules.size(), 1u);
  EXPECT_FALSE(listed.value().schedules[0].last_job_id.empty());
  pipeline.ventilator().send_signal(SIGKILL);
  (void)pipeline.ventilator().wait_for(5s);
  std::this_thread::sleep_for(7s);  // three runs missed
  const auto restarted_ms = unix_ms_now();
  pipeline.crash_and_restart_ventilator();
  // Jobs the schedule made since the restart (a job it made before the crash and that had not
  // run yet runs now too: it is not one of them).
  const auto made_since_restart = [&] {
    std::vector<std::uint64_t> created;
    for (const auto& o : recorded(pipeline)) {
      if (o.created_ms >= restarted_ms) created.push_back(o.created_ms);
    }
    std::sort(created.begin(), created.end());
    return created;
  };
  ASSERT_TRUE(wait_until([&] { return !made_since_restart().empty(); }, 5s));
  std::this_thread::sleep_for(500ms);  // a burst's other jobs would be recorded by now
  const auto created = made_since_restart();
  // A burst makes every missed run in the same turn of the ventilator's loop: the same ms.
  EXPECT_EQ(std::count(created.begin(), created.end(), created.front()), 1)
      << "the missed runs fire once";
  EXPECT_LE(created.size(), 2u) << "the missed run, and at most the next one on the beat";
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, CancelStopsAPendingAScheduledAndARunningJob) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  auto later = job("echo", "later");
  later.run_at_ms = unix_ms_now() + 60'000;
  const auto ids = client.submit({job("sleep", {{"ms", 30'000}}), later});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto states = client.job_statuses({ids.value()[0]});
        return states.ok() && states.value()[0].state == JobState::kRunning;
      },
      10s));
  std::this_thread::sleep_for(300ms);                                  // the worker has started it
  const auto pending = client.submit(job("sleep", {{"ms", 30'000}}));  // waits: one slot
  ASSERT_TRUE(pending.ok());
  const auto asked = unix_ms_now();
  const auto reply = client.cancel({ids.value()[0], ids.value()[1], pending.value()}, "alice");
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply.value().jobs.size(), 3u);
  EXPECT_EQ(reply.value().jobs[0].result, CancelResult::kCancelling);
  EXPECT_EQ(reply.value().jobs[1].result, CancelResult::kCancelled);
  ASSERT_TRUE(wait_for_recorded(pipeline, 3, 10s));
  for (const auto& o : recorded(pipeline)) {
    EXPECT_EQ(o.status, OutcomeStatus::kCancelled) << o.id;
    EXPECT_EQ(o.error, "cancelled by alice") << o.id;
    EXPECT_LE(o.finished_ms, asked + 1000) << o.id << " recorded within a second";
  }
  std::this_thread::sleep_for(300ms);
  const auto status = client.status_report();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().counts.cancelled, 3u);
  EXPECT_EQ(status.value().counts.pending + status.value().counts.in_flight +
                status.value().counts.scheduled + status.value().counts.retrying,
            0u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, ASubmitWithTheUniqueKeyOfALiveJobReturnsItsId) {
  TestPipeline pipeline(TestPipelineOptions(0));
  auto client = pipeline.client();
  auto once = job("echo", "contact form 42");
  once.unique_key = "contact-42";
  const auto first = client.submit(once);
  const auto second = client.submit(once);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first.value(), second.value());
  EXPECT_EQ(client.status().value().accepted, 1u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, ARateLimitSpreadsJobsOverTheFleet) {
  TestPipelineOptions options(3);
  options.ventilator_args = {"--limit", "echo=10/s"};
  TestPipeline pipeline(options);
  std::vector<JobSpec> jobs(50, job("echo", 1));
  ASSERT_TRUE(pipeline.client().submit(jobs).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 50, 20s));
  const auto outcomes = recorded(pipeline);
  const auto span = outcomes.back().started_ms - outcomes.front().started_ms;
  EXPECT_GE(span, 4700u) << "50 jobs at 10/s: one every 100 ms";
  EXPECT_LE(span, 6000u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, AConcurrencyLimitHoldsAcrossWorkers) {
  TestPipelineOptions options(3);
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  ASSERT_TRUE(client.set_limit("sleep=concurrency:2").ok());
  std::vector<JobSpec> jobs(10, job("sleep", {{"ms", 200}}));
  ASSERT_TRUE(client.submit(jobs).ok());
  ASSERT_TRUE(wait_for_recorded(pipeline, 10, 20s));
  const auto outcomes = recorded(pipeline);
  for (const auto& o : outcomes) {
    const auto overlapping = std::count_if(outcomes.begin(), outcomes.end(), [&](const Outcome& p) {
      return p.started_ms <= o.started_ms && p.finished_ms > o.started_ms;
    });
    EXPECT_LE(overlapping, 2) << "running at " << o.started_ms;
  }
  EXPECT_TRUE(pipeline.stop());
}

TEST(JobModelPipeline, TotalsAreThePipelinesAndSurviveARestart) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  ASSERT_TRUE(client.submit({job("echo", 1), job("echo", 2), job("fail", "no")}).ok());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto counts = client.status();
        return counts.ok() && counts.value().succeeded == 2 && counts.value().dead == 1;
      },
      20s));
  const auto before = client.status();
  ASSERT_TRUE(before.ok());
  pipeline.crash_and_restart_ventilator();
  const auto after = client.status();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value().accepted, before.value().accepted);
  EXPECT_EQ(after.value().succeeded, 2u);
  EXPECT_EQ(after.value().failed, before.value().failed);
  EXPECT_EQ(after.value().dead, 1u);
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
