#include "worker/exec_handler.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "worker/signal_name.hpp"

extern char** environ;

namespace zpipe {
namespace {

using Clock = JobContext::Clock;

struct Capture {
  int fd = -1;
  std::string text;
  bool truncated = false;
};

// Closes file descriptors and destroys spawn attributes on every path out.
struct SpawnResources {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnResources() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnResources() {
    for (int fd : {out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) ::close(fd);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

std::string first_line(const std::string& text) {
  const auto line = text.substr(0, text.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

// Drains both pipes until they close or `deadline`/cancellation; returns false if cut short.
bool drain(std::array<Capture, 2>& captures, const JobContext& context, std::size_t limit) {
  char buffer[16384];
  while (captures[0].fd >= 0 || captures[1].fd >= 0) {
    if (context.is_cancelled() || Clock::now() >= context.deadline()) return false;
    pollfd fds[2];
    nfds_t n = 0;
    for (auto& c : captures) {
      if (c.fd >= 0) fds[n++] = pollfd{c.fd, POLLIN, 0};
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(context.deadline() - Clock::now());
    ::poll(fds, n, static_cast<int>(std::clamp<long>(left.count(), 0, 50)));
    for (nfds_t i = 0; i < n; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto& c = captures[0].fd == fds[i].fd ? captures[0] : captures[1];
      const auto got = ::read(c.fd, buffer, sizeof buffer);
      if (got > 0) {
        const auto room = limit - std::min(limit, c.text.size());
        const auto keep = std::min(room, static_cast<std::size_t>(got));
        c.text.append(buffer, keep);
        if (keep < static_cast<std::size_t>(got)) c.truncated = true;
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(c.fd);
        c.fd = -1;
      }
    }
  }
  return true;
}

// Waits for the child to exit until the deadline; returns its wait status or nullopt.
std::optional<int> reap(pid_t pid, const JobContext& context) {
  while (true) {
    int status = 0;
    const auto r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (context.is_cancelled() || Clock::now() >= context.deadline()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

HandlerResult exec_handler(const Job& job, const JobContext& context, const ExecLimits& limits) {
  const auto args = job.payload.to_json();
  const auto& argv_json = args.is_object() && args.contains("argv") ? args["argv"] : args;
  if (!argv_json.is_array() || argv_json.empty()) {
    return fail(Error{ErrorCode::kInvalid,
                      "exec needs a payload {\"argv\": [\"program\", \"arg\", ...]} with at least "
                      "the program"});
  }
  std::vector<std::string> argv;
  for (const auto& a : argv_json) {
    if (!a.is_string())
      return fail(Error{ErrorCode::kInvalid, "exec argv entries must be strings"});
    argv.push_back(a.get<std::string>());
  }
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  SpawnResources r;
  // O_CLOEXEC: children spawned at the same time by other slots must not inherit our pipes.
  if (::pipe2(r.out, O_CLOEXEC) != 0 || ::pipe2(r.err, O_CLOEXEC) != 0) {
    return fail(Error{ErrorCode::kIo, std::string("cannot create pipes: ") + strerror(errno)});
  }
  posix_spawn_file_actions_addopen(&r.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&r.actions, r.out[1], 1);
  posix_spawn_file_actions_adddup2(&r.actions, r.err[1], 2);
  if (args.is_object() && args.contains("cwd")) {
    if (!args["cwd"].is_string())
      return fail(Error{ErrorCode::kInvalid, "exec cwd must be a string"});
    posix_spawn_file_actions_addchdir_np(&r.actions,
                                         args["cwd"].get_ref<const std::string&>().c_str());
  }
  // Own process group, so a time-out kills the command's children too; default signal
  // handling, since the worker ignores SIGPIPE and ignored signals survive exec.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&r.attributes, &defaults);
  posix_spawnattr_setsigmask(&r.attributes, &none);
  const bool own_group = limits.own_process_group;
  posix_spawnattr_setpgroup(&r.attributes, 0);
  posix_spawnattr_setflags(&r.attributes, (own_group ? POSIX_SPAWN_SETPGROUP : 0) |
                                              POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  if (const int e =
          posix_spawnp(&pid, c_argv[0], &r.actions, &r.attributes, c_argv.data(), environ);
      e != 0) {
    return fail(Error{ErrorCode::kExecFailed, "cannot run '" + argv[0] + "': " + strerror(e)});
  }
  ::close(r.out[1]);
  ::close(r.err[1]);
  r.out[1] = r.err[1] = -1;

  std::array<Capture, 2> captures{};
  captures[0].fd = r.out[0];
  captures[1].fd = r.err[0];
  r.out[0] = r.err[0] = -1;  // drain() closes them
  const bool drained = drain(captures, context, limits.output_bytes);
  int status = 0;
  bool killed = true;
  if (drained) {
    if (const auto reaped = reap(pid, context)) {
      status = *reaped;
      killed = false;
    }
  }
  if (killed) {
    ::kill(own_group ? -pid : pid, SIGKILL);
    int ignored = 0;
    ::waitpid(pid, &ignored, 0);
  }
  for (auto& c : captures) {
    if (c.fd >= 0) ::close(c.fd);
  }

  nlohmann::json result = {{"exit_status", nullptr},
                           {"signal", nullptr},
                           {"stdout", captures[0].text},
                           {"stderr", captures[1].text},
                           {"stdout_truncated", captures[0].truncated},
                           {"stderr_truncated", captures[1].truncated}};
  if (killed) {
    result["signal"] = "SIGKILL";
    if (context.is_cancelled())
      return fail(Error{ErrorCode::kCancelled, "worker stopped; command killed"},
                  Payload::from_json(result));
    return fail(Error{ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_ms) +
                                               " ms; '" + argv[0] + "' killed"},
                Payload::from_json(result));
  }
  if (WIFSIGNALED(status)) {
    result["signal"] = signal_name(WTERMSIG(status));
    return fail(Error{ErrorCode::kExecFailed,
                      "'" + argv[0] + "' killed by " + result["signal"].get<std::string>()},
                Payload::from_json(result));
  }
  const int code = WEXITSTATUS(status);
  result["exit_status"] = code;
  if (code != 0) {
    std::string message = "'" + argv[0] + "' exited with status " + std::to_string(code);
    if (const auto line = first_line(captures[1].text); !line.empty()) message += ": " + line;
    return fail(Error{ErrorCode::kExecFailed, std::move(message)}, Payload::from_json(result));
  }
  return succeed(result);
}

}  // namespace zpipe
