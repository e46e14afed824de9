#include "worker/subprocess.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cassert>
#include <cerrno>
#include <thread>
#include <utility>

#include "worker/orphan_guard.hpp"

namespace zpipe {

Subprocess::Subprocess(pid_t pid, bool own_process_group) noexcept
    : pid_(pid), own_process_group_(own_process_group) {
  if (own_process_group_) orphan_guard::watch(pid_);
}

void Subprocess::reaped() noexcept {
  if (own_process_group_) orphan_guard::forget(pid_);
  pid_ = -1;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), own_process_group_(other.own_process_group_) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    own_process_group_ = other.own_process_group_;
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (pid_ > 0) kill_and_reap();
}

bool Subprocess::has_exited() const {
  assert(pid_ > 0);
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

void Subprocess::kill() const {
  assert(pid_ > 0);
  ::kill(own_process_group_ ? -pid_ : pid_, SIGKILL);
}

ChildExit Subprocess::reap() {
  assert(pid_ > 0);
  ChildExit ended;
  while (::wait4(pid_, &ended.status, 0, &ended.usage) < 0 && errno == EINTR) {
  }
  reaped();
  return ended;
}

std::optional<ChildExit> Subprocess::wait_or_kill(const JobContext& context) {
  assert(pid_ > 0);
  while (true) {
    ChildExit ended;
    const auto waited = ::wait4(pid_, &ended.status, WNOHANG, &ended.usage);
    if (waited == pid_) {
      reaped();
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

ChildExit Subprocess::kill_and_reap() {
  kill();
  return reap();
}

}  // namespace zpipe
