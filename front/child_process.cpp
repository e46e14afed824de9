#include "front/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "common/signal_name.hpp"

namespace zpipe {

ChildProcess::ChildProcess(std::vector<std::string> argv, const ChildOptions& options)
    : argv_(std::move(argv)) {
  if (argv_.empty()) throw std::runtime_error("no program to start");
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<char*> c_argv;
  for (auto& a : argv_) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  const std::string out = options.stdout_file.string();
  const std::string err = options.stderr_file.string();
  const std::string in = options.stdin_file.string();
  const pid_t parent = ::getpid();
  const bool own_group = options.own_process_group;
  const int output_fd = options.output_fd;

  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error(std::string("cannot start ") + argv_[0] + ": " + strerror(errno));
  if (pid_ == 0) {
    if (own_group) ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) _exit(126);  // the parent died before prctl took effect
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    auto redirect = [](const std::string& path, int flags, int target) {
      if (path.empty()) return;
      const int fd = ::open(path.c_str(), flags, 0644);
      if (fd < 0) _exit(127);
      ::dup2(fd, target);
      ::close(fd);
    };
    redirect(in, O_RDONLY, 0);
    redirect(out, O_WRONLY | O_CREAT | O_APPEND, 1);
    redirect(err, O_WRONLY | O_CREAT | O_APPEND, 2);
    if (output_fd >= 0) {
      ::dup2(output_fd, 1);
      ::dup2(output_fd, 2);
    }
    ::execvp(c_argv[0], c_argv.data());
    _exit(127);
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : argv_(std::move(other.argv_)),
      pid_(other.pid_),
      status_(other.status_),
      stop_requested_(other.stop_requested_) {
  other.pid_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int ignored = 0;
    ::waitpid(pid_, &ignored, 0);
  }
}

void ChildProcess::send_signal(int sig) const {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

bool ChildProcess::has_exited() {
  if (status_) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
  return status_.has_value();
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!has_exited()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

void ChildProcess::request_stop() {
  if (stop_requested_) return;
  stop_requested_ = true;
  send_signal(SIGTERM);
}

int ChildProcess::stop(std::chrono::milliseconds timeout) {
  request_stop();
  if (auto status = wait_for(timeout)) return *status;
  send_signal(SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
  return status;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by " + signal_name(WTERMSIG(status));
  }
  return "ended";
}

}  // namespace zpipe
