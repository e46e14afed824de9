#include "worker/orphan_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace zpipe::orphan_guard {
namespace {

// More groups than a worker runs at once (1,024 slots at most).
constexpr std::size_t kMaxGroups = 4096;
constexpr int kListFd = 3;

std::atomic<int> list_fd{-1};  // the worker's end of the pipe
pid_t guard_pid = -1;

void send(std::int32_t value) {
  const int fd = list_fd.load();
  if (fd < 0) return;
  // Four bytes: one write, never interleaved with another thread's (PIPE_BUF).
  while (::write(fd, &value, sizeof value) < 0 && errno == EINTR) {
  }
}

// The guard's whole life. Forked from a process with other threads: only system calls from
// here on (no allocation, no locks), and _exit.
[[noreturn]] void guard(int read_end) {
  ::setsid();  // not in the worker's process group: a signal to that group is not for us
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE}) {
    ::sigaction(sig, &ignore, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Hold nothing of the worker's: its sockets must close when it dies, or the ventilator would
  // not see it go.
  if (read_end != kListFd) {
    ::dup2(read_end, kListFd);
  }
  ::close_range(kListFd + 1, ~0U, 0);
  const int null = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
  if (null > 2) ::close(null);

  static pid_t groups[kMaxGroups];
  std::size_t listed = 0;
  while (true) {
    std::int32_t value = 0;
    const auto got = ::read(kListFd, &value, sizeof value);
    if (got < 0 && errno == EINTR) continue;
    if (got != sizeof value) break;  // end of file: the worker is gone
    if (value > 0 && listed < kMaxGroups) {
      groups[listed++] = value;
    } else if (value < 0) {
      for (std::size_t i = 0; i < listed; ++i) {
        if (groups[i] != -value) continue;
        groups[i] = groups[--listed];
        break;
      }
    }
  }
  for (std::size_t i = 0; i < listed; ++i) ::kill(-groups[i], SIGKILL);
  ::_exit(0);
}

}  // namespace

std::string start() {
  if (list_fd.load() >= 0) return {};
  int ends[2];
  // Close-on-exec: a command a job runs must not hold the pipe open after the worker is gone.
  if (::pipe2(ends, O_CLOEXEC) != 0) return std::string("cannot make a pipe: ") + strerror(errno);
  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string why = std::string("cannot fork: ") + strerror(errno);
    ::close(ends[0]);
    ::close(ends[1]);
    return why;
  }
  if (pid == 0) {
    ::close(ends[1]);
    guard(ends[0]);
  }
  ::close(ends[0]);
  guard_pid = pid;
  list_fd.store(ends[1]);
  return {};
}

void watch(pid_t group) { send(static_cast<std::int32_t>(group)); }

void forget(pid_t group) { send(-static_cast<std::int32_t>(group)); }

void stop() {
  const int fd = list_fd.exchange(-1);
  if (fd < 0) return;
  // /dev/null over the pipe's end closes it for the guard, and keeps the number taken: a slot
  // thread still finishing a command (one that ignored cancellation) writes there, not into
  // whatever file would get the number next.
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0 && ::dup2(null, fd) >= 0) {
    ::close(null);
  } else {
    ::close(fd);
  }
  while (::waitpid(guard_pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  guard_pid = -1;
}

}  // namespace zpipe::orphan_guard
