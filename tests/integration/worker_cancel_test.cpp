// A real zpipe-worker cancelling the jobs a ventilator (a test standing in for it) asks it to
// cancel: running ones through their handler's cancellation or their command's kill, waiting
// ones at once, each recorded as cancelled within a second.
#include <signal.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "tests/support/fake_ventilator.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

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

CancelJobs cancel_of(std::vector<std::string> ids, std::string by) {
  CancelJobs cancel;
  for (auto& id : ids) cancel.jobs.push_back(ReleasedJob{std::move(id), 1});
  cancel.by = std::move(by);
  return cancel;
}

bool started(FakeVentilator& ventilator, const std::string& id) {
  return ventilator
      .wait_for_event(
          [&](const Event& e) {
            return e.name == "job.started" && e.fields.count("job") && e.fields.at("job") == id;
          },
          10s)
      .has_value();
}

// Alive and not a zombie (a killed command that its parent has not reaped yet is gone).
bool is_running(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto after_name = line.rfind(')');
  return after_name != std::string::npos && after_name + 2 < line.size() &&
         line[after_name + 2] != 'Z';
}

TEST(WorkerCancel, ARunningSleepJobIsRecordedCancelledWithinASecond) {
  FakeVentilator ventilator(program("zpipe-worker"), {"--heartbeat", "0.1"});
  auto job = job_of("sleepy", "sleep", {{"ms", 30'000}});
  job.queue = "critical";
  ventilator.send(encode(JobBatch{{job}}));
  ASSERT_TRUE(started(ventilator, "sleepy")) << ventilator.log();

  const auto asked = Clock::now();
  ventilator.send(encode(cancel_of({"sleepy"}, "alice@web1")));
  const auto outcome = ventilator.next_outcome(1s);
  ASSERT_TRUE(outcome.has_value()) << "no outcome within a second\n" << ventilator.log();
  EXPECT_LT(Clock::now() - asked, 1s);
  EXPECT_EQ(outcome->id, "sleepy");
  EXPECT_EQ(outcome->attempt, 1u);
  EXPECT_EQ(outcome->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcome->error_code, "cancelled");
  EXPECT_EQ(outcome->error, "cancelled by alice@web1");
  EXPECT_EQ(outcome->queue, "critical");
  EXPECT_LT(outcome->run_us, 5'000'000u) << "it did not sleep its 30 s";

  // The slot is free again: the next job runs.
  ventilator.send(encode(JobBatch{{job_of("after", "echo", 7)}}));
  const auto next = ventilator.next_outcome(10s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "after");
  EXPECT_TRUE(next->succeeded());
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

// The cancel reaches the command: killed with its process group, with or without --isolate.
class WorkerCancelExec : public ::testing::TestWithParam<bool> {};

TEST_P(WorkerCancelExec, ACancelledCommandIsKilled) {
  const bool isolate = GetParam();
  std::vector<std::string> args{"--heartbeat", "0.1"};
  if (isolate) args.push_back("--isolate");
  FakeVentilator ventilator(program("zpipe-worker"), args);
  const auto pid_file = ventilator.dir() / "command.pid";
  ventilator.send(encode(
      JobBatch{{job_of("long-command", "exec",
                       {{"argv",
                         {"sh", "-c",
                          "echo $$ > " + pid_file.string() + ".tmp && mv " + pid_file.string() +
                              ".tmp " + pid_file.string() + " && exec sleep 30"}}})}}));
  pid_t pid = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> pid);
      },
      10s))
      << ventilator.log();
  ASSERT_TRUE(is_running(pid));

  const auto asked = Clock::now();
  ventilator.send(encode(cancel_of({"long-command"}, "")));
  const auto outcome = ventilator.next_outcome(1s);
  ASSERT_TRUE(outcome.has_value()) << "no outcome within a second\n" << ventilator.log();
  EXPECT_LT(Clock::now() - asked, 1s);
  EXPECT_EQ(outcome->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcome->error, "cancelled");
  EXPECT_TRUE(wait_until([&] { return !is_running(pid); }, 1s)) << "sleep 30 still runs";
  if (!isolate) {
    EXPECT_EQ(outcome->result.to_json().value("signal", ""), "SIGKILL")
        << outcome->result.to_json();
  }
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

INSTANTIATE_TEST_SUITE_P(InProcessAndIsolated, WorkerCancelExec, ::testing::Bool(),
                         [](const auto& test) { return test.param ? "Isolated" : "InProcess"; });

TEST(WorkerCancel, AJobWaitingForASlotIsCancelledAtOnceAndOthersRunOn) {
  FakeVentilator ventilator(program("zpipe-worker"), {"-c", "1", "--heartbeat", "0.1"});
  ventilator.send(
      encode(JobBatch{{job_of("running", "sleep", {{"ms", 1500}}), job_of("waiting", "echo", 1)}}));
  ASSERT_TRUE(started(ventilator, "running")) << ventilator.log();

  // An id it does not hold is no concern of it; the waiting one goes at once.
  const auto asked = Clock::now();
  ventilator.send(encode(cancel_of({"never-sent", "waiting"}, "bob")));
  const auto cancelled = ventilator.next_outcome(1s);
  ASSERT_TRUE(cancelled.has_value()) << ventilator.log();
  EXPECT_LT(Clock::now() - asked, 500ms);
  EXPECT_EQ(cancelled->id, "waiting");
  EXPECT_EQ(cancelled->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(cancelled->error, "cancelled by bob");
  EXPECT_EQ(cancelled->payload, Payload::from_json(1)) << "its payload is kept for `zpipe show`";

  // Only that job: the running one finishes as if nothing happened.
  const auto finished = ventilator.next_outcome(10s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->id, "running");
  EXPECT_TRUE(finished->succeeded()) << finished->error;
  EXPECT_FALSE(ventilator.next_outcome(300ms).has_value()) << "nothing for never-sent";
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

// A handler that never looks at its cancellation cannot be stopped from outside its thread: the
// cancel is recorded on time all the same, and the slot stays taken until the handler returns.
TEST(WorkerCancel, AHandlerThatIgnoresCancellationIsRecordedCancelledOnTime) {
  FakeVentilator ventilator(program("zpipe-misbehaving-worker"), {"-c", "1"});
  ventilator.send(encode(JobBatch{{job_of("stubborn", "stubborn", {{"ms", 3000}})}}));
  ASSERT_TRUE(started(ventilator, "stubborn")) << ventilator.log();
  const auto started_at = Clock::now();

  ventilator.send(encode(cancel_of({"stubborn"}, "carol")));
  const auto outcome = ventilator.next_outcome(1s);
  ASSERT_TRUE(outcome.has_value()) << "no outcome within a second\n" << ventilator.log();
  EXPECT_EQ(outcome->status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcome->error, "cancelled by carol");
  EXPECT_NE(ventilator.log().find("has not returned since it was cancelled"), std::string::npos)
      << ventilator.log();

  // Its slot is still taken: the next job waits for the handler to return.
  ventilator.send(encode(JobBatch{{job_of("next", "echo", 2)}}));
  const auto next = ventilator.next_outcome(10s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->id, "next") << "the handler's own outcome, when it came, was dropped";
  EXPECT_GE(Clock::now() - started_at, 2900ms);
  EXPECT_FALSE(ventilator.next_outcome(300ms).has_value());
  EXPECT_EQ(ventilator.worker().stop(10s), 0) << ventilator.log();
}

}  // namespace
}  // namespace zpipe::test
