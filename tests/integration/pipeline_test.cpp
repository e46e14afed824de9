// The whole pipeline with the real programs: every job recorded once, with the right result.
#include <sys/wait.h>

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

TEST(Pipeline, TenThousandEchoJobsAreEachRecordedOnceWithTheirResult) {
  constexpr int kJobs = 10'000;
  TestPipeline pipeline({2, 2});
  auto client = pipeline.client();
  std::map<std::string, int> expected;  // id -> the n its payload carried
  for (int first = 0; first < kJobs; first += 1000) {
    std::vector<JobSpec> batch;
    for (int n = first; n < first + 1000; ++n) {
      batch.push_back(JobSpec{"echo", Payload::from_json({{"n", n}}), 0, 0});
    }
    auto ids = client.submit(batch);
    ASSERT_TRUE(ids.ok()) << ids.error().message;
    for (std::size_t i = 0; i < ids.value().size(); ++i)
      expected[ids.value()[i]] = first + static_cast<int>(i);
  }
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kJobs)) << "ids must be unique";
  ASSERT_TRUE(pipeline.wait_for_finished(kJobs, 120s));

  const auto store = pipeline.store();
  const auto rows = store->list({std::nullopt, "", 1'000'000}).value();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kJobs));
  std::set<std::string> seen;
  std::set<std::string> workers;
  for (const auto& row : rows) {
    ASSERT_TRUE(seen.insert(row.outcome.id).second) << "recorded twice: " << row.outcome.id;
    ASSERT_EQ(expected.count(row.outcome.id), 1u) << "unknown id " << row.outcome.id;
    EXPECT_TRUE(row.outcome.succeeded());
    EXPECT_EQ(row.outcome.result.to_json()["n"], expected[row.outcome.id]);
    workers.insert(row.outcome.worker);
  }
  EXPECT_EQ(workers.size(), 2u) << "both workers should have taken jobs";

  const auto status = run_program(
      {program("zpipe"), "status", "--json", "--ventilator", pipeline.endpoints().submit}, 10s);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto counts = nlohmann::json::parse(status.out);
  EXPECT_EQ(counts["accepted"], kJobs);
  EXPECT_EQ(counts["succeeded"], kJobs);
  EXPECT_EQ(counts["failed"], 0);
  EXPECT_EQ(counts["pending"], 0);
  EXPECT_EQ(counts["in_flight"], 0);
  EXPECT_TRUE(pipeline.stop());
}

TEST(Pipeline, FailuresAndCommandsAreRecordedWithTheirErrors) {
  TestPipeline pipeline({2, 2});
  auto client = pipeline.client();
  auto fail_id =
      client.submit(JobSpec{"fail", Payload::from_json({{"message", "card declined"}}), 0, 0});
  auto exec_ok =
      client.submit(JobSpec{"exec", Payload::from_json({{"argv", {"echo", "hi"}}}), 0, 0});
  auto exec_bad = client.submit(
      JobSpec{"exec", Payload::from_json({{"argv", {"sh", "-c", "echo oops >&2; exit 4"}}}), 0, 0});
  auto exec_slow =
      client.submit(JobSpec{"exec", Payload::from_json({{"argv", {"sleep", "30"}}}), 300, 0});
  auto unknown = client.submit(JobSpec{"resize", Payload::from_json({{"w", 10}}), 0, 0});
  for (const auto* r : {&fail_id, &exec_ok, &exec_bad, &exec_slow, &unknown}) ASSERT_TRUE(r->ok());
  ASSERT_TRUE(pipeline.wait_for_finished(4, 30s));

  const auto store = pipeline.store();
  const auto failed = store->find(fail_id.value()).value();
  EXPECT_EQ(failed->outcome.status, OutcomeStatus::kFailed);
  EXPECT_EQ(failed->outcome.error, "card declined");

  const auto ok = store->find(exec_ok.value()).value();
  EXPECT_TRUE(ok->outcome.succeeded());
  EXPECT_EQ(ok->outcome.result.to_json()["stdout"], "hi\n");

  const auto bad = store->find(exec_bad.value()).value();
  EXPECT_EQ(bad->outcome.error_code, "exec_failed");
  EXPECT_EQ(bad->outcome.result.to_json()["exit_status"], 4);
  EXPECT_EQ(bad->outcome.result.to_json()["stderr"], "oops\n");

  const auto slow = store->find(exec_slow.value()).value();
  EXPECT_EQ(slow->outcome.error_code, "timeout");
  EXPECT_LT(slow->outcome.finished_ms - slow->outcome.started_ms, 5000u) << "killed at its limit";

  // No worker handles "resize": the job waits for one, and the status says why.
  EXPECT_FALSE(store->find(unknown.value()).value().has_value());
  const auto status = pipeline.client().status_report();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().counts.succeeded, 1u);
  EXPECT_EQ(status.value().counts.failed, 3u);
  EXPECT_EQ(status.value().counts.pending, 1u);
  EXPECT_EQ(status.value().types_without_workers, std::vector<std::string>{"resize"});
  EXPECT_TRUE(pipeline.stop());
}

TEST(Pipeline, SigtermLetsRunningJobsFinishAndRecordsThem) {
  TestPipelineOptions options(1, 2);
  options.worker_args = {"--log-level", "debug"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  auto ids = client.submit({JobSpec{"sleep", Payload::from_json({{"ms", 800}}), 0, 0},
                            JobSpec{"sleep", Payload::from_json({{"ms", 800}}), 0, 0}});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto log = pipeline.log_of("worker-0");
        return log.find("started " + ids.value()[0]) != std::string::npos &&
               log.find("started " + ids.value()[1]) != std::string::npos;
      },
      10s));
  EXPECT_TRUE(pipeline.stop());
  EXPECT_NE(pipeline.log_of("worker-0").find("stopped: 2 succeeded"), std::string::npos);
  const auto store = pipeline.store();
  for (const auto& id : ids.value()) {
    const auto row = store->find(id).value();
    ASSERT_TRUE(row.has_value()) << id << " was not recorded";
    EXPECT_TRUE(row->outcome.succeeded());
  }
}

TEST(Pipeline, AFullBacklogMakesProducersWaitOrRefusesThemAsBusy) {
  TestPipelineOptions options(0);
  options.ventilator_args = {"--max-backlog", "10"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  ASSERT_TRUE(client.submit(std::vector<JobSpec>(10, JobSpec{"echo", {}, 0, 0})).ok());
  // A client that will not wait hears "busy" at once.
  ClientConfig no_wait = client.config();
  no_wait.busy_wait = 0ms;
  const auto refused = Client(no_wait).submit(JobSpec{"echo", {}, 0, 0});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBusy);
  const auto cli = run_program({program("zpipe"), "submit", "echo", "--no-wait", "--ventilator",
                                pipeline.endpoints().submit},
                               10s);
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("backlog is full"), std::string::npos) << cli.err;
  // `zpipe submit` without --no-wait says why it waits, and goes through once there is room.
  ChildProcess waiting(
      {program("zpipe"), "submit", "echo", "--ventilator", pipeline.endpoints().submit},
      ChildOptions{pipeline.dir() / "waiting.out", pipeline.dir() / "waiting.log", {}});
  ASSERT_TRUE(wait_until(
      [&] { return pipeline.log_of("waiting").find("waiting for room") != std::string::npos; },
      10s));
  EXPECT_FALSE(waiting.wait_for(500ms).has_value()) << "it waits while the backlog is full";
  pipeline.add_worker();  // the backlog drains, and the waiting submit is taken
  const auto status = waiting.wait_for(20s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  ASSERT_TRUE(pipeline.wait_for_finished(11, 20s));
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
