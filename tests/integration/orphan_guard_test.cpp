// A worker killed outright (SIGKILL, the OOM killer) cannot kill the commands its jobs started:
// its orphan guard does, the whole process group of each, with or without --isolate.
#include <signal.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// A process that is gone or a zombie (ended, waiting for its new parent to reap it).
bool has_ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto state = line.find(") ");
  return state == std::string::npos || line.at(state + 2) == 'Z';
}

pid_t pid_in(const std::filesystem::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

class OrphanGuard : public ::testing::TestWithParam<bool> {};

TEST_P(OrphanGuard, TheCommandsOfAKilledWorkersJobsDieWithIt) {
  TestPipelineOptions options(1, 2);
  if (GetParam()) options.worker_args = {"--isolate"};
  TestPipeline pipeline(options);
  const auto shell = pipeline.dir() / "shell.pid";
  const auto background = pipeline.dir() / "background.pid";
  // A shell that leaves a command of its own in the background and waits: both in the job's
  // process group.
  const std::string script = "sleep 300 & echo $! > " + background.string() + ".tmp && mv " +
                             background.string() + ".tmp " + background.string() + "; echo $$ > " +
                             shell.string() + ".tmp && mv " + shell.string() + ".tmp " +
                             shell.string() + "; wait";
  auto client = pipeline.client();
  ASSERT_TRUE(client
                  .submit({JobSpec{"exec", Payload::from_json({{"argv", {"sh", "-c", script}}}),
                                   600'000, 1}})
                  .ok());
  ASSERT_TRUE(wait_until(
      [&] { return std::filesystem::exists(shell) && std::filesystem::exists(background); }, 10s));
  const auto shell_pid = pid_in(shell);
  const auto background_pid = pid_in(background);
  ASSERT_GT(shell_pid, 0);
  ASSERT_GT(background_pid, 0);
  std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(has_ended(shell_pid));
  ASSERT_FALSE(has_ended(background_pid));

  pipeline.kill_worker(0);
  EXPECT_TRUE(wait_until([&] { return has_ended(shell_pid); }, 5s)) << "the job's shell";
  EXPECT_TRUE(wait_until([&] { return has_ended(background_pid); }, 5s))
      << "what the shell started";
  // Whatever is left (if the guard failed) must not outlive the test.
  ::kill(shell_pid, SIGKILL);
  ::kill(background_pid, SIGKILL);
  EXPECT_TRUE(pipeline.stop());
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutIsolation, OrphanGuard, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "Isolated" : "InTheWorker";
                         });

}  // namespace
}  // namespace zpipe::test
