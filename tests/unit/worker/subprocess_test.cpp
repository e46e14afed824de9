#include "worker/subprocess.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/wait_until.hpp"
#include "worker/spawn.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

// A child running `script` in sh, in a process group of its own, its stdout piped here.
SpawnedChild start_shell(const std::string& script) {
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = {"sh", "-c", script};
  request.pipes = {{1, ChildPipe::Direction::kFromChild}};
  auto spawned = spawn(request);
  if (!spawned) throw std::runtime_error(spawned.error().message);  // fails the test
  return std::move(spawned).value();
}

std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

// True while `pid` exists and is not a zombie: a dead process whose parent has not reaped it
// yet (a container's init may never do it for orphans) runs no more.
bool is_running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto state = line.substr(line.rfind(')') + 2, 1);  // after "PID (NAME) "
  return state != "Z" && state != "X";
}

// True when `pid` is no child of this process waiting to be reaped: no zombie is left.
bool is_reaped(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == -1 && errno == ECHILD; }

class SubprocessTest : public ::testing::Test {
 protected:
  JobContext context_with(std::chrono::milliseconds time_left) const {
    return JobContext(JobContext::Clock::now() + time_left, cancelled_);
  }
  std::atomic<bool> cancelled_{false};
};

TEST_F(SubprocessTest, WaitOrKillReturnsHowAChildEndedByItselfAndReapsIt) {
  auto started = start_shell("exit 7");
  auto& child = started.process;
  const pid_t pid = child.pid();
  const auto ended = child.wait_or_kill(context_with(5s));
  ASSERT_TRUE(ended);
  ASSERT_TRUE(WIFEXITED(ended->status));
  EXPECT_EQ(WEXITSTATUS(ended->status), 7);
  EXPECT_EQ(child.pid(), -1);
  EXPECT_TRUE(is_reaped(pid));
}

TEST_F(SubprocessTest, AChildPastItsDeadlineIsKilledWithItsProcessGroupAndReaped) {
  // The shell's own child, in its group, tells us its pid and would outlive a kill of the shell.
  auto started = start_shell("sleep 30 & echo $!; wait");
  auto& child = started.process;
  const pid_t pid = child.pid();
  const pid_t grandchild = std::stoi(read_line(started.pipes[0].get()));
  ASSERT_TRUE(is_running(grandchild));

  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(child.wait_or_kill(context_with(200ms)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(child.pid(), -1);
  EXPECT_TRUE(is_reaped(pid));
  EXPECT_TRUE(test::wait_until([&] { return !is_running(grandchild); }, 5s));
}

TEST_F(SubprocessTest, ACancelledWaitKillsAndReapsAtOnce) {
  auto started = start_shell("sleep 30");
  const pid_t pid = started.process.pid();
  cancelled_ = true;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(started.process.wait_or_kill(context_with(30s)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(is_reaped(pid));
}

TEST_F(SubprocessTest, HasExitedLeavesTheChildForReap) {
  auto started = start_shell("exit 0");
  auto& child = started.process;
  const pid_t pid = child.pid();
  ASSERT_TRUE(test::wait_until([&] { return child.has_exited(); }, 5s));
  EXPECT_FALSE(is_running(pid));
  EXPECT_FALSE(is_reaped(pid));  // still a zombie of ours: its pid cannot be reused yet
  const auto ended = child.reap();
  EXPECT_TRUE(WIFEXITED(ended.status) && WEXITSTATUS(ended.status) == 0);
  EXPECT_TRUE(is_reaped(pid));
}

TEST_F(SubprocessTest, AChildNotReapedByItsOwnerIsKilledAndReapedWhenTheOwnerGoes) {
  pid_t pid = -1;
  const auto start = std::chrono::steady_clock::now();
  {
    auto started = start_shell("sleep 30");
    pid = started.process.pid();
    ASSERT_TRUE(is_running(pid));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(is_reaped(pid));
}

TEST_F(SubprocessTest, MoveAssignmentKillsAndReapsTheChildItHeld) {
  auto first = start_shell("sleep 30");
  auto second = start_shell("sleep 30");
  const pid_t first_pid = first.process.pid();
  const pid_t second_pid = second.process.pid();
  first.process = std::move(second.process);
  EXPECT_TRUE(is_reaped(first_pid));
  EXPECT_EQ(first.process.pid(), second_pid);
  EXPECT_TRUE(is_running(second_pid));
}

}  // namespace
}  // namespace zpipe
