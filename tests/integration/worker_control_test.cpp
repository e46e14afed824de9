// Steering a pipeline from afar, as a user (or zpipe-web) does with the real programs:
// `zpipe workers pause|resume|stop NAME` passes an order through the ventilator to one worker,
// and `zpipe run-now ID` makes a job that waits for a time due at once, kept so by the journal.
#include <sys/wait.h>

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec job(const std::string& type, nlohmann::json payload) {
  return JobSpec{type, Payload::from_json(payload), 0, 0};
}

// `zpipe ARGS... --ventilator SUBMIT`.
ProgramRun zpipe(const TestPipeline& pipeline, std::vector<std::string> args) {
  args.insert(args.begin(), program("zpipe"));
  args.insert(args.end(), {"--ventilator", pipeline.endpoints().submit});
  return run_program(args, 20s);
}

// The state the ventilator lists for the one worker named `name`; empty while there is none.
std::string state_of(Client& client, const std::string& name) {
  auto workers = client.workers();
  if (!workers.ok()) return "";
  for (const auto& w : workers.value()) {
    if (w.name == name) return w.state;
  }
  return "";
}

TEST(WorkerControl, APausedWorkerTakesNoJobsUntilResumed) {
  TestPipeline pipeline(TestPipelineOptions(0));
  pipeline.add_worker({"--name", "thumbs-1"});
  auto client = pipeline.client();
  ASSERT_TRUE(wait_until([&] { return state_of(client, "thumbs-1") == "idle"; }, 10s));

  const auto paused = zpipe(pipeline, {"workers", "pause", "thumbs-1", "--by", "alice@web1"});
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_NE(paused.out.find("worker thumbs-1 ("), std::string::npos) << paused.out;
  EXPECT_NE(paused.out.find(" pauses: it takes no new jobs"), std::string::npos) << paused.out;
  ASSERT_TRUE(wait_until([&] { return state_of(client, "thumbs-1") == "paused"; }, 10s));
  const auto listed = zpipe(pipeline, {"workers"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(" paused "), std::string::npos) << listed.out;
  EXPECT_NE(pipeline.log_of("worker-0").find("paused (by alice@web1)"), std::string::npos)
      << pipeline.log_of("worker-0");

  // It is the only worker: what is submitted now waits.
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = client.submit(job("echo", {{"i", i}}));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(id.value());
  }
  EXPECT_FALSE(wait_until(
      [&] {
        auto status = client.status();
        return !status.ok() || status.value().pending != 3 || status.value().in_flight != 0;
      },
      1500ms))
      << "a paused worker was sent jobs";
  for (const auto& state : client.job_statuses(ids).value()) {
    EXPECT_EQ(state.state, JobState::kPending) << state.id;
  }

  const auto resumed = zpipe(pipeline, {"workers", "resume", "thumbs-1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(" takes jobs again"), std::string::npos) << resumed.out;
  ASSERT_TRUE(pipeline.wait_for_finished(3, 20s));
  EXPECT_EQ(client.status().value().succeeded, 3u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(WorkerControl, AStoppedWorkerFinishesItsRunningJobAndExitsCleanly) {
  TestPipeline pipeline(TestPipelineOptions(0));
  pipeline.add_worker({"--name", "stopper"});
  auto client = pipeline.client();
  ASSERT_TRUE(wait_until([&] { return state_of(client, "stopper") == "idle"; }, 10s));
  const auto id = client.submit(job("sleep", {{"ms", 2000}}));
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(wait_until(
      [&] {
        return pipeline.log_of("worker-0").find("started " + id.value()) != std::string::npos ||
               client.job_statuses({id.value()}).value().at(0).state == JobState::kRunning;
      },
      10s));

  const auto stopped = zpipe(pipeline, {"workers", "stop", "stopper"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_NE(stopped.out.find(" stops: it takes no new jobs, finishes those it runs and exits"),
            std::string::npos)
      << stopped.out;
  const auto status = pipeline.worker(0).wait_for(20s);
  ASSERT_TRUE(status.has_value()) << "the worker did not stop\n" << pipeline.log_of("worker-0");
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << describe_wait_status(*status) << "\n"
      << pipeline.log_of("worker-0");
  EXPECT_NE(pipeline.log_of("worker-0").find("asked to stop by "), std::string::npos);

  // Its job ran to its end and is recorded; nothing was lost or given back.
  ASSERT_TRUE(pipeline.wait_for_finished(1, 10s));
  const auto counts = client.status().value();
  EXPECT_EQ(counts.succeeded, 1u);
  EXPECT_EQ(counts.pending, 0u);
  const auto recorded = pipeline.store()->find(id.value());
  ASSERT_TRUE(recorded.ok() && recorded.value().has_value());
  EXPECT_EQ(recorded.value()->outcome.status, OutcomeStatus::kSucceeded);
  const auto attempts = pipeline.store()->attempts(id.value());
  ASSERT_TRUE(attempts.ok() && attempts.value().size() == 1u);
  EXPECT_GE(attempts.value()[0].run_us, 2'000'000u) << "it slept its 2 s, and ran once";
  EXPECT_TRUE(wait_until([&] { return state_of(client, "stopper").empty(); }, 10s))
      << "the ventilator still lists it";
}

TEST(WorkerControl, ANameSharedByTwoWorkersIsRefusedListingThemAndAProcessPicksOne) {
  TestPipeline pipeline(TestPipelineOptions(0));
  pipeline.add_worker({"--name", "thumbs"});
  pipeline.add_worker({"--name", "thumbs"});
  auto client = pipeline.client();
  std::vector<WorkerSummary> workers;
  ASSERT_TRUE(wait_until(
      [&] {
        auto listed = client.workers();
        if (!listed.ok()) return false;
        workers = listed.value();
        return workers.size() == 2 && !workers[0].process.empty() && !workers[1].process.empty();
      },
      10s));

  const auto ambiguous = zpipe(pipeline, {"workers", "pause", "thumbs"});
  EXPECT_EQ(ambiguous.exit_code, 2) << ambiguous.out;
  EXPECT_NE(ambiguous.err.find("2 workers are named thumbs: "), std::string::npos) << ambiguous.err;
  for (const auto& w : workers) {
    EXPECT_NE(ambiguous.err.find("thumbs (" + w.process + ")"), std::string::npos) << ambiguous.err;
  }
  // The listing's options before the order would be the listing's: refused, not ignored.
  const auto misplaced = run_program(
      {program("zpipe"), "workers", "--ventilator", pipeline.endpoints().submit, "pause", "thumbs"},
      20s);
  EXPECT_EQ(misplaced.exit_code, 2);
  EXPECT_NE(misplaced.err.find("give --ventilator after pause"), std::string::npos)
      << misplaced.err;
  const auto unknown = zpipe(pipeline, {"workers", "stop", "thumb"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no worker named thumb "), std::string::npos) << unknown.err;

  const auto one = zpipe(pipeline, {"workers", "pause", workers[1].process, "--json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto json = nlohmann::json::parse(one.out);
  EXPECT_EQ(json["worker"], "thumbs");
  EXPECT_EQ(json["process"], workers[1].process);
  EXPECT_EQ(json["action"], "pause");
  EXPECT_EQ(json["pipeline"], client.pipeline());
  ASSERT_TRUE(wait_until(
      [&] {
        auto listed = client.workers();
        if (!listed.ok() || listed.value().size() != 2) return false;
        for (const auto& w : listed.value()) {
          if (w.state != (w.process == workers[1].process ? "paused" : "idle")) return false;
        }
        return true;
      },
      10s))
      << zpipe(pipeline, {"workers"}).out;
  EXPECT_TRUE(pipeline.stop());
}

// The id `zpipe submit` printed.
std::string submitted(const ProgramRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::smatch id;
  EXPECT_TRUE(std::regex_search(run.out, id, std::regex(R"(\S+-\d+)"))) << run.out;
  return id.str();
}

TEST(RunNow, AJobSubmittedForAnHourFromNowRunsWithinSeconds) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  const auto id = submitted(zpipe(pipeline, {"submit", "echo", "--arg", "msg=now", "--in", "1h"}));
  ASSERT_EQ(client.job_statuses({id}).value().at(0).state, JobState::kScheduled);

  const auto made_due = zpipe(pipeline, {"run-now", id});
  ASSERT_EQ(made_due.exit_code, 0) << made_due.err;
  EXPECT_EQ(made_due.out, id + " due now: it runs as soon as a worker takes it\n");
  ASSERT_TRUE(pipeline.wait_for_finished(1, 10s)) << "it still waits for its hour";
  EXPECT_EQ(client.status().value().succeeded, 1u);

  // What was not made due is said, and fails the command.
  const auto again = zpipe(pipeline, {"run-now", id, "nosuch-1", "--json"});
  EXPECT_EQ(again.exit_code, 1);
  const auto json = nlohmann::json::parse(again.out);
  EXPECT_EQ(json["jobs"], (nlohmann::json{{{"id", id}, {"result", "over"}},
                                          {{"id", "nosuch-1"}, {"result", "unknown"}}}))
      << again.out;
  const auto text = zpipe(pipeline, {"run-now", "nosuch-1"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.err, "nosuch-1 not made due: no such job in this pipeline\n");
  EXPECT_TRUE(pipeline.stop());
}

TEST(RunNow, AJobMadeDueIsStillDueAfterTheVentilatorIsKilledRightAfterTheAnswer) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto id =
      submitted(zpipe(pipeline, {"submit", "echo", "--arg", "msg=later", "--in", "1h"}));
  const auto made_due = zpipe(pipeline, {"run-now", id});
  ASSERT_EQ(made_due.exit_code, 0) << made_due.err;
  pipeline.crash_and_restart_ventilator();

  auto client = pipeline.client();
  const auto counts = client.status().value();
  EXPECT_EQ(counts.scheduled, 0u) << "it waits for its hour again";
  EXPECT_EQ(counts.pending, 1u);
  pipeline.add_worker();
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s)) << "it did not run";
  EXPECT_EQ(client.status().value().succeeded, 1u);
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
