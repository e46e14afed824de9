// WorkerFleet: the worker processes one host's autoscaler runs, all from one command line:
// started a number at a time, stopped gracefully (SIGTERM: a worker gives back the jobs it has
// not started and finishes those it runs), and watched for ending on their own.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <list>
#include <set>
#include <string>
#include <vector>

#include "front/child_process.hpp"

namespace zpipe {

class WorkerFleet {
 public:
  using Clock = std::chrono::steady_clock;
  // A worker that ends on its own sooner than this after its start failed to start.
  static constexpr std::chrono::seconds kQuickExit{5};

  WorkerFleet(std::vector<std::string> argv, ChildOptions options);
  ~WorkerFleet();  // stop_all(), if not done

  // Workers started and not asked to stop.
  int running() const;
  std::vector<pid_t> running_pids() const;
  // Starts `count` more. Throws std::runtime_error when a process cannot be made.
  void start(int count);
  // Asks up to `count` running workers that are not in `busy` to stop, the newest first; returns
  // how many were asked.
  int stop_idle(int count, const std::set<pid_t>& busy);

  struct Ended {
    pid_t pid;
    std::string how;  // "exited with status 1"
    bool quickly;     // within kQuickExit of its start
  };
  // The workers that ended on their own since the last call; those asked to stop are reaped
  // silently.
  std::vector<Ended> reap();
  // Asks every worker to stop and waits up to `grace` for each, then kills what is left.
  // Returns false when one ended badly.
  bool stop_all(std::chrono::milliseconds grace);

 private:
  struct Member {
    ChildProcess process;
    Clock::time_point started;
    bool stopping = false;
  };
  std::vector<std::string> argv_;
  ChildOptions options_;
  std::list<Member> members_;
  bool stopped_ = false;
};

}  // namespace zpipe
