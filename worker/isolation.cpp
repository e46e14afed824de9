#include "worker/isolation.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>

#include "common/clock.hpp"
#include "common/protocol.hpp"
#include "worker/signal_name.hpp"

extern char** environ;

namespace zpipe {
namespace {

constexpr const char* kChildVariable = "ZPIPE_ISOLATED_CHILD";
constexpr const char* kMemoryLimitVariable = "ZPIPE_ISOLATED_MEMORY_LIMIT";
constexpr int kJobFd = 3;
constexpr int kOutcomeFd = 4;
constexpr std::size_t kMaxOutcomeBytes = 64 << 20;  // more than any message limit allows

// This process's own command line: the child runs the same program with the same arguments.
const std::vector<std::string>& own_command_line() {
  static const std::vector<std::string> argv = [] {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    std::size_t start = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i] != '\0') continue;
      args.push_back(all.substr(start, i - start));
      start = i + 1;
    }
    return args;
  }();
  return argv;
}

// A pipe whose ends sit above the child's fds 3 and 4, close on exec.
bool make_pipe(int ends[2]) {
  int raw[2];
  if (::pipe2(raw, O_CLOEXEC) != 0) return false;
  for (int i = 0; i < 2; ++i) {
    ends[i] = ::fcntl(raw[i], F_DUPFD_CLOEXEC, 10);
    ::close(raw[i]);
  }
  return ends[0] >= 0 && ends[1] >= 0;
}

struct Fd {
  int fd = -1;
  ~Fd() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string read_all(int fd) {
  std::string bytes;
  char buffer[65536];
  while (true) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

std::uint64_t micros(const timeval& t) {
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(t.tv_usec);
}

HandlerResult failure(ErrorCode code, std::string message) {
  return fail(Error{code, std::move(message)});
}

// What the child's outcome says, as the handler's result.
HandlerResult from_outcome(const Outcome& outcome) {
  HandlerResult handled;
  handled.result = outcome.result;
  if (!outcome.succeeded()) {
    handled.error = Error{error_code_from(outcome.error_code).value_or(ErrorCode::kHandlerError),
                          outcome.error};
  }
  return handled;
}

HandlerResult run_in_child(const Job& job, const JobContext& context,
                           const IsolationConfig& config) {
  Fd job_read, job_write, outcome_read, outcome_write;
  {
    int job_pipe[2], outcome_pipe[2];
    if (!make_pipe(job_pipe) || !make_pipe(outcome_pipe)) {
      return failure(ErrorCode::kIo, std::string("cannot make a pipe: ") + std::strerror(errno));
    }
    job_read.fd = job_pipe[0];
    job_write.fd = job_pipe[1];
    outcome_read.fd = outcome_pipe[0];
    outcome_write.fd = outcome_pipe[1];
  }
  const auto& argv = own_command_line();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings{std::string(kChildVariable) + "=" +
                                       std::to_string(::getpid())};
  if (config.memory_limit_bytes > 0) {
    env_strings.push_back(std::string(kMemoryLimitVariable) + "=" +
                          std::to_string(config.memory_limit_bytes));
  }
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, job_read.fd, kJobFd);
  posix_spawn_file_actions_adddup2(&actions, outcome_write.fd, kOutcomeFd);
  // Its own process group, so that a kill at the time limit takes whatever it started too;
  // no blocked signals (slot threads block SIGINT and SIGTERM).
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int spawned =
      posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    return failure(ErrorCode::kIo,
                   std::string("cannot start the job's process: ") + std::strerror(spawned));
  }
  job_read.close();
  outcome_write.close();
  ::fcntl(job_write.fd, F_SETFL, O_NONBLOCK);

  // Feed the job, collect the outcome, and watch the child itself (not only the pipe: a
  // process it started could hold the pipe open after it died), the deadline and
  // cancellation, all in one loop that never blocks for long.
  const std::string job_bytes = encode(job);
  std::string_view to_send = job_bytes;
  std::string bytes;
  std::optional<ErrorCode> killed_for;
  bool exited = false;
  bool outcome_closed = false;
  char buffer[65536];
  while (!exited) {
    pollfd fds[2];
    // A negative fd is skipped by poll(): the closed pipe must not wake us in a spin.
    fds[0] = pollfd{outcome_closed ? -1 : outcome_read.fd, POLLIN, 0};
    fds[1] = pollfd{job_write.fd, POLLOUT, 0};
    ::poll(fds, 2, 20);
    if (fds[0].revents != 0) {
      const auto got = ::read(outcome_read.fd, buffer, sizeof buffer);
      if (got == 0) outcome_closed = true;
      if (got > 0 && bytes.size() < kMaxOutcomeBytes) {
        bytes.append(buffer, static_cast<std::size_t>(got));
      }
    }
    if (job_write.fd >= 0 && fds[1].revents != 0) {
      const auto sent = ::write(job_write.fd, to_send.data(), to_send.size());
      if (sent > 0) to_send.remove_prefix(static_cast<std::size_t>(sent));
      // Done, or the child is gone (EPIPE; SIGPIPE is ignored): its exit will say why.
      if (to_send.empty() || (sent < 0 && errno != EAGAIN && errno != EINTR)) job_write.close();
    }
    // Exited? WNOWAIT leaves it unreaped, so that its process group id cannot be reused
    // before the kill below.
    siginfo_t info{};
    exited = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
             info.si_pid == pid;
    if (!exited && !killed_for &&
        (context.is_cancelled() || JobContext::Clock::now() >= context.deadline())) {
      killed_for = context.is_cancelled() ? ErrorCode::kCancelled : ErrorCode::kTimeout;
      ::kill(-pid, SIGKILL);
    }
  }
  ::kill(-pid, SIGKILL);  // anything the job left running in its group goes with it
  // What the child wrote before it exited is all in the pipe now (or held by a process it
  // left, killed just above): read what is there without waiting.
  ::fcntl(outcome_read.fd, F_SETFL, O_NONBLOCK);
  while (bytes.size() < kMaxOutcomeBytes) {
    const auto got = ::read(outcome_read.fd, buffer, sizeof buffer);
    if (got <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }

  HandlerResult handled;
  if (killed_for == ErrorCode::kTimeout) {
    handled = failure(ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_ms) +
                                               " ms; its process was killed");
  } else if (killed_for == ErrorCode::kCancelled) {
    handled = failure(ErrorCode::kCancelled, "worker stopped; the job's process was killed");
  } else if (WIFSIGNALED(status)) {
    const auto sig = WTERMSIG(status);
    std::string message = "crashed: " + signal_name(sig);
    if (sig == SIGKILL) message += " (killed from outside; out of memory?)";
    handled = failure(ErrorCode::kCrashed, std::move(message));
  } else {
    auto decoded = decode(bytes, DecodeLimits{kMaxOutcomeBytes});
    const auto* outcome = decoded.ok() ? std::get_if<Outcome>(&decoded.value()) : nullptr;
    if (outcome == nullptr) {
      handled = failure(ErrorCode::kCrashed,
                        "crashed: the job's process exited with status " +
                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                            " without an outcome");
    } else {
      handled = from_outcome(*outcome);
    }
  }
  handled.cpu_us = micros(usage.ru_utime) + micros(usage.ru_stime);
  handled.max_rss_kb = static_cast<std::uint64_t>(usage.ru_maxrss);
  return handled;
}

}  // namespace

bool is_isolated_child() { return std::getenv(kChildVariable) != nullptr; }

Handler isolating_handler(const IsolationConfig& config) {
  (void)own_command_line();  // read now, on the main thread, while nothing else runs
  return [config](const Job& job, const JobContext& context) {
    return run_in_child(job, context, config);
  };
}

int run_isolated_child(const std::map<std::string, Handler>& handlers,
                       const std::string& worker_name) {
  // Die with the worker: a job must not run on, unowned, after its worker is gone.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Signals meant for the worker (a whole service group gets them) are not for the job: the
  // worker decides, and kills this process when it must.
  for (int sig : {SIGINT, SIGTERM, SIGUSR2}) ::signal(sig, SIG_IGN);
  // Commands the job starts must not hold the outcome pipe open after this process is gone.
  ::fcntl(kOutcomeFd, F_SETFD, FD_CLOEXEC);
  const char* parent = std::getenv(kChildVariable);
  if (parent == nullptr || std::to_string(::getppid()) != parent) return 1;
  if (const char* limit = std::getenv(kMemoryLimitVariable)) {
    const rlim_t bytes = std::strtoull(limit, nullptr, 10);
    const rlimit address_space{bytes, bytes};
    ::setrlimit(RLIMIT_AS, &address_space);
  }
  const auto job_bytes = read_all(kJobFd);
  ::close(kJobFd);
  auto decoded = decode(job_bytes, DecodeLimits{kMaxOutcomeBytes});
  const auto* job = decoded.ok() ? std::get_if<Job>(&decoded.value()) : nullptr;
  if (job == nullptr) return 1;

  Outcome outcome;
  outcome.id = job->id;
  outcome.type = job->type;
  outcome.attempt = job->attempt;
  outcome.max_attempts = job->max_attempts;
  outcome.worker = worker_name;
  static const std::atomic<bool> never_cancelled{false};  // the parent kills instead
  const JobContext context(JobContext::Clock::now() + std::chrono::milliseconds(job->timeout_ms),
                           never_cancelled);
  HandlerResult handled;
  const auto handler = handlers.find(job->type);
  try {
    handled = handler != handlers.end()
                  ? handler->second(*job, context)
                  : failure(ErrorCode::kUnknownType, "no handler for job type '" + job->type + "'");
  } catch (const std::bad_alloc&) {
    handled = failure(ErrorCode::kCrashed,
                      "out of memory" + std::string(std::getenv(kMemoryLimitVariable) != nullptr
                                                        ? " (over --memory-limit)"
                                                        : ""));
  } catch (const std::exception& e) {
    handled = fail(std::string("handler threw: ") + e.what());
  } catch (...) {
    handled = fail("handler threw a non-standard exception");
  }
  outcome.result = std::move(handled.result);
  if (handled.error) {
    outcome.status = OutcomeStatus::kFailed;
    outcome.error_code = std::string(to_string(handled.error->code));
    outcome.error = std::move(handled.error->message);
  }
  return write_all(kOutcomeFd, encode(outcome)) ? 0 : 1;
}

}  // namespace zpipe
