#include "worker/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "worker/fd_io.hpp"

namespace zpipe {
namespace {

using Direction = ChildPipe::Direction;

// This process's open file descriptors (the one used to list them excluded).
std::set<int> open_fds() {
  std::set<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    fds.insert(std::stoi(entry.path().filename().string()));
  }
  std::set<int> still_open;
  for (const int fd : fds) {
    if (::fcntl(fd, F_GETFD) != -1) still_open.insert(fd);
  }
  return still_open;
}

// A line of /proc/PID/status ("SigBlk:\t0000000000000000"), after its colon and tab.
std::string status_field(pid_t pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(name + ":\t", 0) == 0) return line.substr(name.size() + 2);
  }
  return "";
}

SpawnRequest shell(const std::string& script) {
  SpawnRequest request;
  request.program = "/bin/sh";
  request.argv = {"sh", "-c", script};
  return request;
}

TEST(Spawn, AProgramsOutputArrivesThroughItsPipes) {
  auto request = shell("echo out; echo err >&2; exit 3");
  request.pipes = {{1, Direction::kFromChild}, {2, Direction::kFromChild}};
  auto spawned = spawn(request);
  ASSERT_TRUE(spawned) << spawned.error().message;
  auto& [child, pipes] = spawned.value();
  ASSERT_EQ(pipes.size(), 2u);
  EXPECT_EQ(read_all(pipes[0].get()), "out\n");
  EXPECT_EQ(read_all(pipes[1].get()), "err\n");
  const auto ended = child.reap();
  ASSERT_TRUE(WIFEXITED(ended.status));
  EXPECT_EQ(WEXITSTATUS(ended.status), 3);
}

TEST(Spawn, PipesReachTheChildsFdsWhateverTheirNumbers) {
  // fds 3 and 4, as an isolated job's process has them: one end must not overwrite the other.
  auto request = shell("cat <&3 >&4");
  request.pipes = {{3, Direction::kToChild}, {4, Direction::kFromChild}};
  auto spawned = spawn(request);
  ASSERT_TRUE(spawned) << spawned.error().message;
  auto& [child, pipes] = spawned.value();
  ASSERT_EQ(::write(pipes[0].get(), "ping", 4), 4);
  pipes[0].reset();  // end-of-file for cat
  EXPECT_EQ(read_all(pipes[1].get()), "ping");
  EXPECT_EQ(WEXITSTATUS(child.reap().status), 0);
}

TEST(Spawn, LooksTheProgramUpInPathAndRunsItInTheGivenDirectoryWithTheAddedEnvironment) {
  SpawnRequest request;
  request.program = "sh";
  request.search_path = true;
  request.argv = {"sh", "-c", "pwd; echo \"$ZPIPE_SPAWN_TEST\""};
  request.cwd = "/";
  request.add_env = {"ZPIPE_SPAWN_TEST=added"};
  request.pipes = {{1, Direction::kFromChild}};
  auto spawned = spawn(request);
  ASSERT_TRUE(spawned) << spawned.error().message;
  EXPECT_EQ(read_all(spawned.value().pipes[0].get()), "/\nadded\n");
  EXPECT_EQ(WEXITSTATUS(spawned.value().process.reap().status), 0);
}

TEST(Spawn, StdinFromDevNullEndsAtOnce) {
  SpawnRequest request;
  request.program = "/bin/cat";
  request.argv = {"cat"};
  request.stdin_from_dev_null = true;
  request.pipes = {{1, Direction::kFromChild}};
  auto spawned = spawn(request);
  ASSERT_TRUE(spawned) << spawned.error().message;
  EXPECT_EQ(read_all(spawned.value().pipes[0].get()), "");
  EXPECT_EQ(WEXITSTATUS(spawned.value().process.reap().status), 0);
}

TEST(Spawn, AMissingProgramFailsClearlyAndLeavesNoFdOpen) {
  const auto before = open_fds();
  for (const bool search_path : {false, true}) {
    SpawnRequest request;
    request.program = search_path ? "zpipe-no-such-program" : "/no/such/program";
    request.search_path = search_path;
    request.argv = {request.program};
    request.stdin_from_dev_null = true;
    request.pipes = {{1, Direction::kFromChild}, {2, Direction::kFromChild}};
    const auto spawned = spawn(request);
    ASSERT_FALSE(spawned);
    EXPECT_EQ(spawned.error().code, ErrorCode::kExecFailed);
    EXPECT_EQ(spawned.error().message,
              "cannot run '" + request.program + "': No such file or directory");
  }
  EXPECT_EQ(open_fds(), before);
}

TEST(Spawn, APipeThatCannotBeMadeLeavesNoFdOfTheOthersOpen) {
  const auto before = open_fds();
  for (const int fd : {0, 1, 2}) ASSERT_EQ(before.count(fd), 1u) << "fd " << fd << " is closed";
  // A descriptor limit with room for one pipe: the first is made, the second fails.
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  rlim_t room_for_one_pipe = 0;
  for (int free_fds = 0; free_fds < 2; ++room_for_one_pipe) {
    if (before.count(static_cast<int>(room_for_one_pipe)) == 0) ++free_fds;
  }
  const rlimit tight{room_for_one_pipe, limit.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  auto request = shell("exit 0");
  request.pipes = {{1, Direction::kFromChild}, {2, Direction::kFromChild}};
  const auto spawned = spawn(request);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);

  ASSERT_FALSE(spawned);
  EXPECT_EQ(spawned.error().code, ErrorCode::kIo);
  EXPECT_EQ(spawned.error().message, "cannot make a pipe: Too many open files");
  EXPECT_EQ(open_fds(), before);
}

TEST(Spawn, TheChildGetsAProcessGroupOfItsOwnOnlyWhenAsked) {
  for (const bool own_group : {true, false}) {
    SpawnRequest request;
    request.program = "/bin/sleep";
    request.argv = {"sleep", "30"};
    request.own_process_group = own_group;
    auto spawned = spawn(request);
    ASSERT_TRUE(spawned) << spawned.error().message;
    auto& child = spawned.value().process;
    EXPECT_EQ(::getpgid(child.pid()), own_group ? child.pid() : ::getpgrp());
    const auto ended = child.kill_and_reap();
    EXPECT_TRUE(WIFSIGNALED(ended.status) && WTERMSIG(ended.status) == SIGKILL);
  }
}

TEST(Spawn, TheChildsSignalMaskIsClearedAndTheGivenSignalsAreResetToTheirDefault) {
  // As on a worker's slot thread: SIGTERM blocked, SIGPIPE ignored.
  sigset_t blocked, old_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &blocked, &old_mask), 0);
  const auto old_sigpipe = ::signal(SIGPIPE, SIG_IGN);
  SpawnRequest request;
  request.program = "/bin/sleep";
  request.argv = {"sleep", "30"};
  request.default_signals = {SIGPIPE};
  auto spawned = spawn(request);
  ::signal(SIGPIPE, old_sigpipe);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

  ASSERT_TRUE(spawned) << spawned.error().message;
  auto& child = spawned.value().process;
  // posix_spawn returns once the child has exec'ed: its status shows the new program's state.
  EXPECT_EQ(status_field(child.pid(), "SigBlk"), "0000000000000000");
  const auto ignored = std::stoull(status_field(child.pid(), "SigIgn"), nullptr, 16);
  EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u);
  child.kill_and_reap();
}

}  // namespace
}  // namespace zpipe
