#include "worker/exec_handler.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "common/builtin_payloads.hpp"
#include "common/signal_name.hpp"
#include "worker/spawn.hpp"

namespace zpipe {
namespace {

using Clock = JobContext::Clock;

// What is kept of one of the command's output streams.
struct Capture {
  UniqueFd pipe;  // closed at end-of-file
  std::string text;
  bool truncated = false;
};

std::string first_line(const std::string& text) {
  const auto line = text.substr(0, text.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

// How to start the command a payload names: {"argv": [...], "cwd": "..."} or the argv array alone.
Result<SpawnRequest> command_of(const nlohmann::json& args, const ExecLimits& limits) {
  auto command = exec_command_of(args);
  if (!command.ok()) return command.error();
  SpawnRequest request;
  request.argv = std::move(command.value().argv);
  request.cwd = std::move(command.value().cwd);
  request.program = request.argv[0];
  request.search_path = true;
  request.stdin_from_dev_null = true;
  request.pipes = {{1, ChildPipe::Direction::kFromChild}, {2, ChildPipe::Direction::kFromChild}};
  request.own_process_group = limits.own_process_group;
  // Default handling, since the worker ignores SIGPIPE and ignored signals survive exec (and
  // an isolated job's process ignores SIGINT and SIGTERM).
  request.default_signals = {SIGPIPE, SIGINT, SIGTERM};
  return request;
}

// Drains both pipes until they close, the job's deadline passes or it is cancelled; returns false
// if cut short.
bool drain(std::array<Capture, 2>& captures, const JobContext& context, std::size_t limit) {
  char buffer[16384];
  while (captures[0].pipe.is_open() || captures[1].pipe.is_open()) {
    if (context.is_cancelled() || Clock::now() >= context.deadline()) return false;
    pollfd fds[2];
    nfds_t n = 0;
    for (auto& c : captures) {
      if (c.pipe.is_open()) fds[n++] = pollfd{c.pipe.get(), POLLIN, 0};
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(context.deadline() - Clock::now());
    ::poll(fds, n, static_cast<int>(std::clamp<long>(left.count(), 0, 50)));
    for (nfds_t i = 0; i < n; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto& c = captures[0].pipe.get() == fds[i].fd ? captures[0] : captures[1];
      const auto got = ::read(c.pipe.get(), buffer, sizeof buffer);
      if (got > 0) {
        const auto room = limit - std::min(limit, c.text.size());
        const auto keep = std::min(room, static_cast<std::size_t>(got));
        c.text.append(buffer, keep);
        if (keep < static_cast<std::size_t>(got)) c.truncated = true;
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        c.pipe.reset();
      }
    }
  }
  return true;
}

// The job's outcome from how the command ended (`ended`; std::nullopt: killed at the time limit
// or on cancellation) and what it wrote.
HandlerResult report(const std::string& program, const Job& job, const JobContext& context,
                     const std::array<Capture, 2>& captures,
                     const std::optional<ChildExit>& ended) {
  nlohmann::json result = {{"exit_status", nullptr},
                           {"signal", nullptr},
                           {"stdout", captures[0].text},
                           {"stderr", captures[1].text},
                           {"stdout_truncated", captures[0].truncated},
                           {"stderr_truncated", captures[1].truncated}};
  if (!ended) {
    result["signal"] = "SIGKILL";
    if (context.is_cancelled())
      return fail(Error{ErrorCode::kCancelled, "worker stopped; command killed"},
                  Payload::from_json(result));
    return fail(Error{ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_ms) +
                                               " ms; '" + program + "' killed"},
                Payload::from_json(result));
  }
  if (WIFSIGNALED(ended->status)) {
    result["signal"] = signal_name(WTERMSIG(ended->status));
    return fail(Error{ErrorCode::kExecFailed,
                      "'" + program + "' killed by " + result["signal"].get<std::string>()},
                Payload::from_json(result));
  }
  const int code = WEXITSTATUS(ended->status);
  result["exit_status"] = code;
  if (code != 0) {
    std::string message = "'" + program + "' exited with status " + std::to_string(code);
    if (const auto line = first_line(captures[1].text); !line.empty()) message += ": " + line;
    return fail(Error{ErrorCode::kExecFailed, std::move(message)}, Payload::from_json(result));
  }
  return succeed(result);
}

}  // namespace

HandlerResult exec_handler(const Job& job, const JobContext& context, const ExecLimits& limits) {
  const auto request = command_of(job.payload.to_json(), limits);
  if (!request) return fail(request.error());
  // Else a missing folder reads as a missing program: the spawn fails with ENOENT either way.
  if (const auto& cwd = request.value().cwd; cwd && !std::filesystem::is_directory(*cwd)) {
    return fail(Error{ErrorCode::kExecFailed, "cannot run '" + request.value().program + "' in '" +
                                                  *cwd + "': no such folder here"});
  }
  auto spawned = spawn(request.value());
  if (!spawned) return fail(spawned.error());
  auto& [child, pipes] = spawned.value();

  std::array<Capture, 2> captures;  // stdout, stderr
  captures[0].pipe = std::move(pipes[0]);
  captures[1].pipe = std::move(pipes[1]);
  std::optional<ChildExit> ended;  // stays std::nullopt when the command is killed
  if (drain(captures, context, limits.output_bytes)) {
    ended = child.wait_or_kill(context);
  } else {
    // Out of time: the command, or something it started, still holds its output open.
    child.kill_and_reap();
  }
  return report(request.value().program, job, context, captures, ended);
}

}  // namespace zpipe
