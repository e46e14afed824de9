// exec: runs a command line given as an argv array, without a shell, and records its exit
// status and output. Payload: {"argv": ["prog", "arg", ...], "cwd": "/optional/dir"} or the
// argv array alone. The command is killed (its whole process group) at the job's time limit.
#pragma once

#include <cstddef>

#include "worker/handler.hpp"

namespace zpipe {

struct ExecLimits {
  std::size_t output_bytes = 64 * 1024;  // kept of stdout and of stderr each; the rest is dropped
  // true: the command gets a process group of its own, so that the time limit kills its
  // children too. false (in an isolated job's process): it stays in that process's group,
  // which the worker kills instead.
  bool own_process_group = true;
};

// Result: {"exit_status": N|null, "signal": "SIGKILL"|null, "stdout": "...", "stderr": "...",
// "stdout_truncated": bool, "stderr_truncated": bool}. Fails with kExecFailed when the command
// cannot start, exits non-zero or dies of a signal; kTimeout at the time limit; kCancelled when
// the worker stops.
HandlerResult exec_handler(const Job& job, const JobContext& context, const ExecLimits& limits);

}  // namespace zpipe
