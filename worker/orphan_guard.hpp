// The orphan guard: a small process, forked when a worker starts, that outlives it. The worker
// tells it, over a pipe, the process groups of the commands its jobs run (each exec command,
// each isolated job). When the pipe closes because the worker died without cleaning up
// (SIGKILL, the OOM killer), the guard kills the groups still listed and exits, so that no
// job's command runs on unowned. A worker that stops cleanly has killed and reaped its jobs
// itself: the guard finds nothing listed.
#pragma once

#include <sys/types.h>

#include <string>

#include <spdlog/logger.h>

namespace zpipe::orphan_guard {

// Forks the guard. Returns an empty string, or why it could not (the worker runs on without).
// Call once, before the threads that run jobs start.
std::string start();
// Lists a process group with the guard (a no-op without a guard): `group` leads it.
void watch(pid_t group);
// Takes it off the list: it has been reaped.
void forget(pid_t group);
// Closes the pipe and reaps the guard, which exits at once.
void stop();

// start() for the life of a scope, stop() at its end.
class Running {
 public:
  explicit Running(spdlog::logger& log) {
    if (const auto why = start(); !why.empty()) {
      log.warn(
          "no orphan guard ({}): commands of jobs running when this worker is killed will "
          "run on",
          why);
    }
  }
  ~Running() { stop(); }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

}  // namespace zpipe::orphan_guard
