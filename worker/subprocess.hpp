// Subprocess: the one owner of a started child process, from its start until it is reaped. It
// is reaped exactly once: by reap(), wait_or_kill() or kill_and_reap(), or else when the owner
// goes (killed first), so that no path leaves a zombie or a job's process running unowned.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>

#include "worker/handler.hpp"

namespace zpipe {

// How a reaped child ended.
struct ChildExit {
  int status = 0;  // wait status: WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG
  rusage usage{};  // its CPU time and peak resident memory
};

class Subprocess {
 public:
  // Takes `pid`, a child of this process not yet reaped. `own_process_group`: it leads a process
  // group of its own, which kill() kills whole (whatever it started too), and which the orphan
  // guard kills if this process dies first.
  Subprocess(pid_t pid, bool own_process_group) noexcept;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();  // kill_and_reap() when not reaped yet; blocks until it has ended

  // Its process id; -1 once reaped.
  pid_t pid() const noexcept { return pid_; }

  // True once it has ended. Leaves it unreaped, so that its process id, and the id of its
  // group, cannot be given to another process before a kill() that follows.
  bool has_exited() const;

  // Sends SIGKILL to it, or to its whole group when it has one of its own. Returns at once; it may
  // still be running until reaped. Precondition: not reaped.
  void kill() const;

  // Waits as long as it takes for it to end, and reaps it. Precondition: not reaped.
  ChildExit reap();

  // Waits for it to end by itself until the context's deadline or cancellation, looking every
  // few milliseconds. Returns how it ended; or std::nullopt when time ran out first: it has then
  // been killed (with its group) and reaped. Precondition: not reaped.
  std::optional<ChildExit> wait_or_kill(const JobContext& context);

  // kill(), then reap(): for a child that must not run on. Precondition: not reaped.
  ChildExit kill_and_reap();

 private:
  void reaped() noexcept;

  pid_t pid_ = -1;  // -1: reaped, or moved from
  bool own_process_group_ = false;
};

}  // namespace zpipe
