// ChildProcess: one program started by zpipe (a pipeline component, or a test's subject), in its
// own process group so that a terminal's Ctrl-C reaches only the parent, which then stops the
// children in order. The child gets SIGTERM if the parent dies. Killed and reaped on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zpipe {

struct ChildOptions {
  std::filesystem::path stdout_file;  // empty: inherit
  std::filesystem::path stderr_file;  // empty: inherit
  std::filesystem::path stdin_file;   // empty: inherit
  // >= 0: the child's stdout and stderr both go to this descriptor (a pipe's write end; the
  // parent keeps its own copy), instead of stdout_file and stderr_file.
  int output_fd = -1;
  // false: stay in the parent's process group, as a program that reads the terminal must.
  bool own_process_group = true;
};

class ChildProcess {
 public:
  // argv[0] is a path, or a program name looked up on PATH. Throws std::runtime_error when the
  // process cannot be created; a program that cannot be executed exits with status 127.
  ChildProcess(std::vector<std::string> argv, const ChildOptions& options = {});
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return argv_.front(); }
  void send_signal(int sig) const;
  // Sends SIGTERM once: a second one would tell a zpipe program to quit without finishing.
  void request_stop();
  // Waits up to `timeout` for the child to end; its wait status, or nullopt if still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  bool has_exited();
  // The wait status once it has ended.
  std::optional<int> status() const { return status_; }
  // request_stop(), then SIGKILL after `timeout`; returns the wait status.
  int stop(std::chrono::milliseconds timeout);

 private:
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  std::optional<int> status_;
  bool stop_requested_ = false;
};

// "exited with status 3", "killed by SIGKILL".
std::string describe_wait_status(int status);

}  // namespace zpipe
