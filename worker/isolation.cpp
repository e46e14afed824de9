#include "worker/isolation.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <optional>
#include <string_view>

#include "common/protocol.hpp"
#include "common/signal_name.hpp"
#include "worker/fd_io.hpp"
#include "worker/spawn.hpp"
#include "worker/unique_fd.hpp"

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

std::uint64_t micros(const timeval& t) {
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(t.tv_usec);
}

HandlerResult failure(ErrorCode code, std::string message) {
  return fail(Error{code, std::move(message)});
}

// What the child's outcome says, as the handler's result; its follow-ups are enqueued here, as
// if the handler had run in this process.
HandlerResult from_outcome(Outcome& outcome, const JobContext& context) {
  HandlerResult handled;
  handled.result = std::move(outcome.result);
  if (!outcome.succeeded()) {
    handled.error = Error{error_code_from(outcome.error_code).value_or(ErrorCode::kHandlerError),
                          outcome.error};
  }
  for (auto& spec : outcome.follow_ups) context.enqueue(std::move(spec));
  return handled;
}

// The job's side of the pipes to a running child: the job goes out as the pipe takes it, the
// outcome's bytes are kept as they come. Neither side ever blocks.
class JobExchange {
 public:
  JobExchange(UniqueFd job_out, std::string job_bytes, UniqueFd outcome_in)
      : job_out_(std::move(job_out)),
        job_bytes_(std::move(job_bytes)),
        to_send_(job_bytes_),
        outcome_in_(std::move(outcome_in)) {
    ::fcntl(job_out_.get(), F_SETFL, O_NONBLOCK);
  }
  JobExchange(const JobExchange&) = delete;  // to_send_ points into job_bytes_
  JobExchange& operator=(const JobExchange&) = delete;

  // Waits up to `timeout` for either pipe to be ready, then sends and receives what it can.
  void pump(std::chrono::milliseconds timeout) {
    pollfd fds[2];
    // A negative fd is skipped by poll(): the closed pipe must not wake us in a spin.
    fds[0] = pollfd{outcome_closed_ ? -1 : outcome_in_.get(), POLLIN, 0};
    fds[1] = pollfd{job_out_.get(), POLLOUT, 0};
    ::poll(fds, 2, static_cast<int>(timeout.count()));
    if (fds[0].revents != 0) {
      const auto got = ::read(outcome_in_.get(), buffer_, sizeof buffer_);
      if (got == 0) outcome_closed_ = true;
      if (got > 0 && outcome_.size() < kMaxOutcomeBytes) {
        outcome_.append(buffer_, static_cast<std::size_t>(got));
      }
    }
    if (job_out_.is_open() && fds[1].revents != 0) {
      const auto sent = ::write(job_out_.get(), to_send_.data(), to_send_.size());
      if (sent > 0) to_send_.remove_prefix(static_cast<std::size_t>(sent));
      // Done, or the child is gone (EPIPE; SIGPIPE is ignored): its exit will say why.
      if (to_send_.empty() || (sent < 0 && errno != EAGAIN && errno != EINTR)) job_out_.reset();
    }
  }

  // Once the child has exited, what it wrote is all in the pipe (or held by a process it left,
  // which must have been killed): reads what is there without waiting.
  void read_rest() {
    ::fcntl(outcome_in_.get(), F_SETFL, O_NONBLOCK);
    while (outcome_.size() < kMaxOutcomeBytes) {
      const auto got = ::read(outcome_in_.get(), buffer_, sizeof buffer_);
      if (got <= 0) break;
      outcome_.append(buffer_, static_cast<std::size_t>(got));
    }
  }

  const std::string& outcome_bytes() const { return outcome_; }

 private:
  UniqueFd job_out_;
  std::string job_bytes_;
  std::string_view to_send_;  // the part of job_bytes_ not sent yet
  UniqueFd outcome_in_;
  bool outcome_closed_ = false;
  std::string outcome_;
  char buffer_[65536];
};

// How to start this program again as the isolated child of this process.
SpawnRequest child_request(const IsolationConfig& config) {
  SpawnRequest request;
  request.program = "/proc/self/exe";
  request.argv = config.command_line.empty() ? own_command_line() : config.command_line;
  request.add_env = {std::string(kChildVariable) + "=" + std::to_string(::getpid())};
  if (config.memory_limit_bytes > 0) {
    request.add_env.push_back(std::string(kMemoryLimitVariable) + "=" +
                              std::to_string(config.memory_limit_bytes));
  }
  request.pipes = {{kJobFd, ChildPipe::Direction::kToChild},
                   {kOutcomeFd, ChildPipe::Direction::kFromChild}};
  // Its own process group, so that a kill at the time limit takes whatever it started too.
  request.own_process_group = true;
  return request;
}

// The job's outcome from how its process ended: killed by us (`killed_for`), crashed, or
// exited, having written its outcome (`outcome_bytes`) or not.
HandlerResult judge(const Job& job, const JobContext& context, std::optional<ErrorCode> killed_for,
                    int status, const std::string& outcome_bytes) {
  if (killed_for == ErrorCode::kTimeout) {
    return failure(ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_ms) +
                                            " ms; its process was killed");
  }
  if (killed_for == ErrorCode::kCancelled) {
    return failure(ErrorCode::kCancelled, "worker stopped; the job's process was killed");
  }
  if (WIFSIGNALED(status)) {
    const auto sig = WTERMSIG(status);
    std::string message = "crashed: " + signal_name(sig);
    if (sig == SIGKILL) message += " (killed from outside; out of memory?)";
    return failure(ErrorCode::kCrashed, std::move(message));
  }
  auto decoded = decode(outcome_bytes, DecodeLimits{kMaxOutcomeBytes});
  auto* outcome = decoded.ok() ? std::get_if<Outcome>(&decoded.value()) : nullptr;
  if (outcome == nullptr) {
    return failure(ErrorCode::kCrashed,
                   "crashed: the job's process exited with status " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                       " without an outcome");
  }
  return from_outcome(*outcome, context);
}

HandlerResult run_in_child(const Job& job, const JobContext& context,
                           const IsolationConfig& config) {
  auto spawned = spawn(child_request(config));
  if (!spawned) {
    return failure(ErrorCode::kIo, "cannot start the job's process: " + spawned.error().message);
  }
  auto& [child, pipes] = spawned.value();
  JobExchange exchange(std::move(pipes[0]), encode(job), std::move(pipes[1]));

  // Feed the job, collect the outcome, and watch the child itself (not only the pipe: a
  // process it started could hold the pipe open after it died), the deadline and
  // cancellation, all in one loop that never blocks for long.
  std::optional<ErrorCode> killed_for;
  while (true) {
    exchange.pump(std::chrono::milliseconds(20));
    // has_exited() leaves it unreaped, so that its process group id cannot be reused before
    // the kill below.
    if (child.has_exited()) break;
    if (!killed_for && (context.is_cancelled() || JobContext::Clock::now() >= context.deadline())) {
      killed_for = context.is_cancelled() ? ErrorCode::kCancelled : ErrorCode::kTimeout;
      child.kill();
    }
  }
  child.kill();  // anything the job left running in its group goes with it
  exchange.read_rest();
  const auto ended = child.reap();

  HandlerResult handled = judge(job, context, killed_for, ended.status, exchange.outcome_bytes());
  handled.cpu_us = micros(ended.usage.ru_utime) + micros(ended.usage.ru_stime);
  handled.max_rss_kb = static_cast<std::uint64_t>(ended.usage.ru_maxrss);
  return handled;
}

}  // namespace

bool is_isolated_child() { return std::getenv(kChildVariable) != nullptr; }

Handler isolating_handler(const IsolationConfig& config) {
  // Read now, on the main thread, while nothing else runs; not needed when the worker gives
  // its job processes their command line itself.
  if (config.command_line.empty()) (void)own_command_line();
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
  JobContext context(*job, JobContext::Clock::now() + std::chrono::milliseconds(job->timeout_ms),
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
  } catch (...) {
    handled = fail_with_current_exception();
  }
  // Checked here too, so that the parent hears why rather than an outcome it cannot read.
  if (!handled.error) {
    auto follow_ups = context.take_follow_ups();
    if (follow_ups.ok()) {
      outcome.follow_ups = std::move(follow_ups).value();
    } else {
      handled.error = follow_ups.error();
    }
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
