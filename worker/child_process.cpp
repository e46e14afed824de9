#include "worker/child_process.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cassert>
#include <cerrno>
#include <thread>
#include <utility>

namespace zpipe {

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), own_process_group_(other.own_process_group_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    own_process_group_ = other.own_process_group_;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) kill_and_reap();
}

bool ChildProcess::has_exited() const {
  assert(pid_ > 0);
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

void ChildProcess::kill() const {
  assert(pid_ > 0);
  ::kill(own_process_group_ ? -pid_ : pid_, SIGKILL);
}

ChildExit ChildProcess::reap() {
  assert(pid_ > 0);
  ChildExit ended;
  while (::wait4(pid_, &ended.status, 0, &ended.usage) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return ended;
}

std::optional<ChildExit> ChildProcess::wait_or_kill(const JobContext& context) {
  assert(pid_ > 0);
  while (true) {
    ChildExit ended;
    const auto waited = ::wait4(pid_, &ended.status, WNOHANG, &ended.usage);
    if (waited == pid_) {
      pid_ = -1;
      return ended;
    }
    // Any other failure (ECHILD: someone else reaped it) cannot end by waiting longer.
    if (waited < 0 && errno != EINTR) break;
    if (context.is_cancelled() || JobContext::Clock::now() >= context.deadline()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill_and_reap();
  return std::nullopt;
}

ChildExit ChildProcess::kill_and_reap() {
  kill();
  return reap();
}

}  // namespace zpipe
