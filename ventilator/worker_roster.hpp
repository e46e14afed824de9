// WorkerRoster: which workers are alive, as their events tell (worker.up, worker.heartbeat,
// worker.down), and which jobs each holds: those its last heartbeat listed ("jobs"), and since
// then job.started until job.succeeded, job.failed or job.released (per-job events may be
// sampled at high rates: the heartbeat's list is the one that is complete). A worker silent for
// three of its own heartbeat intervals has vanished: killed, stalled, or cut off. The event hub
// keeps one and announces each vanished worker with its jobs, which the ventilator then sends out
// again at once.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/event.hpp"

namespace zpipe {

struct VanishedWorker {
  std::string source;  // "worker host:pid"
  std::chrono::milliseconds silent;
  std::string last_job;           // the job its last heartbeat said it was running, if any
  std::vector<std::string> jobs;  // the jobs it had started and not finished
};

class WorkerRoster {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMissedHeartbeats = 3;

  // Takes worker.* and job.* events from workers; others are ignored.
  void on_event(const Event& event, Clock::time_point now);
  // Workers that have just vanished; each is reported once (until it is heard from again).
  std::vector<VanishedWorker> take_vanished(Clock::time_point now);
  std::size_t alive() const { return workers_.size(); }

 private:
  struct Seen {
    Clock::time_point last;
    std::chrono::milliseconds interval{1000};
    std::string job;
    std::set<std::string> running;
  };
  std::map<std::string, Seen> workers_;
};

}  // namespace zpipe
