// spawn(): starts a program as a child process with pipes to it, for the handlers that run a
// process per job (exec, isolation). One place that makes the pipes, arranges the child's fds,
// process group and signals, and on failure leaves no descriptor or process behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "worker/subprocess.hpp"
#include "worker/unique_fd.hpp"

namespace zpipe {

// A pipe between the two processes, its child's end on `child_fd` in the child.
struct ChildPipe {
  enum class Direction { kToChild, kFromChild };
  int child_fd = -1;
  Direction direction = Direction::kFromChild;
};

struct SpawnRequest {
  std::string program;               // a path; with search_path, a name without '/' is looked up
  bool search_path = false;          // true: look `program` up in PATH (posix_spawnp)
  std::vector<std::string> argv;     // the child's argv, argv[0] included
  std::vector<std::string> add_env;  // "NAME=value" each, after this process's environment
  std::optional<std::string> cwd;    // the child's working directory; nullopt: this process's
  bool stdin_from_dev_null = false;  // false: inherited (or a pipe, when `pipes` has fd 0)
  std::vector<ChildPipe> pipes;
  // true: the child leads a process group of its own, so that Subprocess::kill() takes
  // whatever it starts too.
  bool own_process_group = true;
  // Reset to their default action in the child: signals this process ignores stay ignored
  // across exec. The child's signal mask is always cleared (slot threads block some).
  std::vector<int> default_signals;
};

struct SpawnedChild {
  Subprocess process;
  std::vector<UniqueFd> pipes;  // this process's ends, in the order of SpawnRequest::pipes
};

// Starts `request.program`. Every pipe is made close-on-exec, so that children other threads
// start at the same time inherit none; only the child's own ends, dup2'ed into place, stay open
// across its exec. Fails with kIo ("cannot make a pipe: ...") or kExecFailed ("cannot run
// 'PROGRAM': No such file or directory"), having closed every descriptor it made. Any thread.
Result<SpawnedChild> spawn(const SpawnRequest& request);

}  // namespace zpipe
