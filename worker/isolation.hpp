// Isolation (worker --isolate): each job runs in a child process, a fresh copy of the worker's
// own program started in "isolated child" mode, so that a segfault, an abort or an out-of-memory
// kill fails that one job (recorded as `crashed: SIGSEGV` and the like) and the worker serves
// on. The child's CPU time and peak memory come back with the outcome; an optional memory
// limit applies to it.
//
// Parent and child speak over two pipes: the job (encoded as on the wire) goes to the child's
// fd 3, the outcome comes back on its fd 4, with the follow-ups the handler enqueued (the
// parent enqueues them again in its own JobContext). Re-running the same program with the same
// arguments means a custom worker's handlers and middleware exist in the child too, with no
// extra code; the middleware runs there, around the handler.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "worker/handler.hpp"

namespace zpipe {

struct IsolationConfig {
  std::uint64_t memory_limit_bytes = 0;  // address-space limit of each job's process; 0: none
  // The arguments (argv[0] first) each job's process runs this program with; empty: this
  // process's own. A worker started with --config gives its settings as flags here, so that a
  // file changed (or broken) since it started does not reach its jobs' processes.
  std::vector<std::string> command_line;
};

// True in a process started by an isolating handler: Worker then runs that one job and exits.
bool is_isolated_child();

// A handler that runs each job in a child process (see above). The child is killed, with
// everything it started, at the job's time limit or on cancellation. Call from the parent.
Handler isolating_handler(const IsolationConfig& config);

// The child's side: reads the job from fd 3, runs its handler from `handlers`, writes the
// outcome to fd 4. Returns the process's exit code.
int run_isolated_child(const std::map<std::string, Handler>& handlers,
                       const std::string& worker_name);

}  // namespace zpipe
