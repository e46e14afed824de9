// A real worker (zpipe-fan-out-worker) whose handler enqueues follow-ups, with a test standing
// in for the ventilator and the sink: the follow-ups reach the sink with the job's outcome, in
// the worker's own process or in the job's (--isolate); every outcome says the job's parent,
// batch and chain; job events name the batch; an outcome too large for its follow-ups fails.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "tests/support/fake_ventilator.hpp"
#include "tests/support/program_run.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

Job job_of(const std::string& id, const std::string& type, const nlohmann::json& payload) {
  Job job;
  job.id = id;
  job.type = type;
  job.payload = Payload::from_json(payload);
  job.max_attempts = 3;
  job.timeout_ms = 60'000;
  job.created_ms = 1;
  return job;
}

// A chain's second step, in a batch.
Job in_workflow(Job job) {
  job.parent = "mx-1";
  job.batch = "mx-b1";
  job.then = {JobSpec{"upload", Payload(), 0, 0}};
  return job;
}

class WorkerFollowUps : public ::testing::TestWithParam<bool> {};

TEST_P(WorkerFollowUps, TravelWithTheOutcomeBesideTheJobsParentBatchAndChain) {
  std::vector<std::string> args{"--heartbeat", "0.1"};
  if (GetParam()) args.push_back("--isolate");
  FakeVentilator ventilator(program("zpipe-fan-out-worker"), args);
  ventilator.send(
      encode(JobBatch{{in_workflow(job_of("mx-1.s1", "fan_out", {{"n", 3}, {"in_batch", true}})),
                       in_workflow(job_of("mx-1.s2", "nothing_handles_this", nullptr))}}));
  for (int received = 0; received < 2; ++received) {
    const auto outcome = ventilator.next_outcome(20s);
    ASSERT_TRUE(outcome.has_value()) << ventilator.log();
    EXPECT_EQ(outcome->parent, "mx-1");
    EXPECT_EQ(outcome->batch, "mx-b1");
    EXPECT_EQ(outcome->then, (std::vector<JobSpec>{JobSpec{"upload", Payload(), 0, 0}}));
    if (outcome->id != "mx-1.s1") {
      EXPECT_EQ(outcome->error_code, "unknown_type");
      continue;
    }
    ASSERT_TRUE(outcome->succeeded()) << outcome->error;
    ASSERT_EQ(outcome->follow_ups.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      const auto& follow_up = outcome->follow_ups[i];
      EXPECT_EQ(follow_up.type, "echo");
      EXPECT_EQ(follow_up.payload.to_json()["i"], i + 1);
      EXPECT_EQ(follow_up.batch, "mx-b1") << "enqueued in the job's own batch";
    }
  }
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

INSTANTIATE_TEST_SUITE_P(InProcessAndIsolated, WorkerFollowUps, ::testing::Bool(),
                         [](const auto& test) { return test.param ? "Isolated" : "InProcess"; });

TEST(WorkerEvents, NameTheJobsBatch) {
  FakeVentilator ventilator(program("zpipe-fan-out-worker"), {"--heartbeat", "0.1"});
  ventilator.send(encode(JobBatch{{in_workflow(job_of("mx-1.s1", "echo", 1))}}));
  for (const std::string name : {"job.started", "job.succeeded"}) {
    const auto event = ventilator.wait_for_event(
        [&](const Event& e) { return e.name == name && e.fields.count("job") != 0; }, 10s);
    ASSERT_TRUE(event.has_value()) << name << "\n" << ventilator.log();
    EXPECT_EQ(event->fields.at("job"), "mx-1.s1");
    ASSERT_EQ(event->fields.count("batch"), 1u) << name;
    EXPECT_EQ(event->fields.at("batch"), "mx-b1");
  }
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

TEST(WorkerFollowUpLimits, AnOutcomeTooLargeForItsFollowUpsFailsTheAttemptSayingSo) {
  FakeVentilator ventilator(program("zpipe-fan-out-worker"),
                            {"--heartbeat", "0.1", "--max-message-bytes", "65536"});
  ventilator.send(encode(JobBatch{{job_of("big", "fan_out", {{"n", 10}, {"pad", 10'000}})}}));
  const auto outcome = ventilator.next_outcome(20s);
  ASSERT_TRUE(outcome.has_value()) << ventilator.log();
  EXPECT_EQ(outcome->status, OutcomeStatus::kFailed);
  EXPECT_EQ(outcome->error_code, "too_large");
  EXPECT_NE(outcome->error.find("and 10 follow-ups make an outcome of "), std::string::npos)
      << outcome->error;
  EXPECT_NE(outcome->error.find("over the 65536-byte message limit; no follow-up is created"),
            std::string::npos)
      << outcome->error;
  EXPECT_TRUE(outcome->follow_ups.empty());
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

}  // namespace
}  // namespace zpipe::test
