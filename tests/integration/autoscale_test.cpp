// Autoscaling as a user sees it: `zpipe up --autoscale` follows a burst up to MAX and back to
// MIN with nothing lost or run twice, and `zpipe scale` runs workers from a command of the
// user's own, gives up on one that cannot start, and stops its workers on Ctrl-C.
#include <signal.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "client/client.hpp"
#include "common/outcome_store.hpp"
#include "front/child_process.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/submit_all.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/up_on_free_ports.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Workers the ventilator hears from now.
int connected_workers(Client& client) {
  auto workers = client.workers();
  if (!workers.ok()) return -1;
  int connected = 0;
  for (const auto& w : workers.value()) connected += w.state == "silent" ? 0 : 1;
  return connected;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

JobSpec sleep_job(int ms) {
  JobSpec spec;
  spec.type = "sleep";
  spec.payload = Payload::from_json(nlohmann::json{{"ms", ms}});
  return spec;
}

TEST(UpAutoscale, FollowsABurstToMaxAndBackToMinRunningEveryJobOnce) {
  TempDir dir;
  const auto data = dir.path() / "data";
  auto up = start_up_on_free_ports(
      {"--autoscale", "1:4", "--quiet-period", "3s", "--data-dir", data.string()}, dir.path());
  Client client(ClientConfig::to("tcp://127.0.0.1:" + std::to_string(up.port_base), 5s));
  ASSERT_TRUE(wait_until([&] { return connected_workers(client) == 1; }, 10s))
      << "--autoscale 1:4 starts with MIN workers\n"
      << text_of(up.out);

  const auto submitted = Clock::now();
  const auto ids = submit_all(client, 400, sleep_job(200));
  ASSERT_EQ(ids.size(), 400u);
  ASSERT_TRUE(wait_until([&] { return connected_workers(client) == 4; }, 10s)) << text_of(up.out);
  const double to_max = seconds_between(submitted, Clock::now());
  EXPECT_LE(to_max, 5.0) << "400 jobs of 200 ms on 1 worker take 80 s, 16 times the target "
                            "wait: MAX workers at once\n"
                         << text_of(up.out);
  // Never more than MAX, while the burst drains.
  bool over_max = false;
  ASSERT_TRUE(wait_until(
      [&] {
        over_max = over_max || connected_workers(client) > 4;
        auto status = client.status();
        return status.ok() && status.value().succeeded == 400;
      },
      60s))
      << text_of(up.out);
  EXPECT_FALSE(over_max);
  const auto drained = Clock::now();
  ASSERT_TRUE(wait_until([&] { return connected_workers(client) == 1; }, 10s)) << text_of(up.out);
  const double to_min = seconds_between(drained, Clock::now());
  // The quiet period (3 s) from the last of the backlog, a round (0.5 s) and a goodbye.
  EXPECT_LE(to_min, 5.0) << text_of(up.out);
  EXPECT_TRUE(
      std::regex_search(text_of(up.out), std::regex(R"(autoscale: 1 -> 4 workers: backlog \d+, )")))
      << text_of(up.out);
  EXPECT_NE(text_of(up.out).find("(stopping idle ones)"), std::string::npos) << text_of(up.out);

  up.process.request_stop();
  const auto status = up.process.wait_for(60s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << text_of(up.err);

  // Every job once, on its first attempt: none lost by a stopped worker, none run again.
  OutcomeStore store(outcome_store_path(data), OutcomeStore::Access::kReadOnly);
  const auto rows = store.list({std::nullopt, "", 10'000}).value();
  std::set<std::string> recorded;
  for (const auto& row : rows) {
    EXPECT_TRUE(recorded.insert(row.outcome.id).second) << "recorded twice: " << row.outcome.id;
    EXPECT_TRUE(row.outcome.succeeded()) << row.outcome.id;
    EXPECT_EQ(row.outcome.attempt, 1u) << row.outcome.id << " ran again";
  }
  EXPECT_EQ(recorded, std::set<std::string>(ids.begin(), ids.end()));
}

TEST(UpAutoscale, OnlyTheBacklogOfTheWorkersTypesCounts) {
  TempDir dir;
  auto up = start_up_on_free_ports(
      {"--autoscale", "1:3", "--types", "echo,exec", "--data-dir", (dir.path() / "data").string()},
      dir.path());
  Client client(ClientConfig::to("tcp://127.0.0.1:" + std::to_string(up.port_base), 5s));
  ASSERT_TRUE(wait_until([&] { return connected_workers(client) == 1; }, 10s)) << text_of(up.out);
  // 100 sleep jobs wait for a worker that takes sleep: more echo workers would not run them.
  // Echo jobs trickle in at 10 a second, so that there is a rate: counted with the sleep jobs,
  // the backlog would take 10 s at it, over the target of 5 s.
  submit_all(client, 100, sleep_job(200));
  JobSpec echo;
  echo.type = "echo";
  bool scaled = false;
  for (int i = 0; i < 40 && !scaled; ++i) {
    ASSERT_TRUE(client.submit(echo).ok());
    std::this_thread::sleep_for(100ms);
    scaled = connected_workers(client) > 1;
  }
  EXPECT_FALSE(scaled) << text_of(up.out);
  EXPECT_EQ(text_of(up.out).find(" -> "), std::string::npos) << text_of(up.out);
  up.process.request_stop();
  ASSERT_TRUE(up.process.wait_for(60s).has_value());
}

// `zpipe scale` on a pipeline of no workers, with `args` after its own.
ChildProcess start_scale(const TestPipeline& pipeline, const std::string& command,
                         std::vector<std::string> args, const std::filesystem::path& out) {
  std::vector<std::string> argv{
      program("zpipe"), "scale", "--ventilator", pipeline.endpoints().submit, "--command", command};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildOptions options;
  options.stdout_file = out;
  options.stderr_file = out;
  return ChildProcess(argv, options);
}

TEST(ZpipeScale, StartsWorkersFromItsCommandFromZeroAndStopsThemAll) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto& e = pipeline.endpoints();
  const auto command = program("zpipe-worker") + " --jobs-from " + e.jobs + " --outcomes-to " +
                       e.outcomes + " --events-to " + e.events_in;
  const auto out = pipeline.dir() / "scale.out";
  auto scale =
      start_scale(pipeline, command, {"--min", "0", "--max", "2", "--quiet-period", "2s"}, out);
  auto client = pipeline.client();
  EXPECT_FALSE(wait_until([&] { return connected_workers(client) > 0; }, 1500ms))
      << "--min 0: no worker while there is no work\n"
      << text_of(out);

  const auto ids = submit_all(client, 30, sleep_job(100));
  ASSERT_TRUE(pipeline.wait_for_finished(30, 30s)) << text_of(out);
  EXPECT_NE(text_of(out).find("0 -> 1 worker: "), std::string::npos) << text_of(out);
  ASSERT_TRUE(wait_until([&] { return connected_workers(client) == 0; }, 10s))
      << "back to --min 0 once quiet\n"
      << text_of(out);

  submit_all(client, 1, sleep_job(100));
  ASSERT_TRUE(pipeline.wait_for_finished(31, 10s)) << text_of(out);
  scale.send_signal(SIGINT);
  const auto status = scale.wait_for(45s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << text_of(out);
  // Its workers went with it: the ventilator hears their goodbyes (or, at worst, their silence).
  EXPECT_TRUE(wait_until([&] { return connected_workers(client) == 0; }, 10s)) << text_of(out);
  EXPECT_NE(text_of(out).find("stopping 1 worker..."), std::string::npos) << text_of(out);
}

TEST(ZpipeScale, GivesUpOnAWorkerCommandThatCannotStart) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto out = pipeline.dir() / "scale.out";
  auto scale =
      start_scale(pipeline, program("zpipe-worker") + " --no-such-flag", {"--min", "1"}, out);
  const auto status = scale.wait_for(30s);
  ASSERT_TRUE(status.has_value()) << text_of(out);
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_NE(text_of(out).find("the worker command ended at its start 3 times in a row"),
            std::string::npos)
      << text_of(out);
}

TEST(ZpipeScale, RefusesMinAboveMaxAndAnEmptyCommand) {
  auto run = run_program(
      {program("zpipe"), "scale", "--min", "5", "--max", "2", "--command", "zpipe-worker"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("the fewest workers (5) is more than the most (2)"), std::string::npos)
      << run.err;
  run = run_program({program("zpipe"), "scale", "--command", " "}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--command is empty"), std::string::npos) << run.err;
  run = run_program({program("zpipe"), "up", "--autoscale", "1:4", "--workers", "2"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--workers and --autoscale cannot go together"), std::string::npos)
      << run.err;
  run = run_program({program("zpipe"), "up", "--autoscale", "4"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("\"4\" is not MIN:MAX"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace zpipe::test
