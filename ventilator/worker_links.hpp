// WorkerLinks: the workers connected to the jobs socket, by ROUTER identity: the credit each has
// asked for and not yet been sent, and when each was last heard from. A worker that stays
// silent for kMissedHeartbeats of its heartbeat intervals is lost: it is forgotten, with its
// credit, so that it gets nothing more until it speaks again (then it is new, and says its room
// afresh). One that promised no heartbeats is held to kUnpromisedInterval while it holds jobs.
// Workers with credit are served in turn, so that each gets a batch before any gets a second
// one. Which jobs each worker holds is the JobTable's to know; the caller says how many.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/job_credit.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "ventilator/ready_queues.hpp"

namespace zpipe {

// The one worker an order from afar (worker_control) goes to.
struct ControlTarget {
  std::string identity;  // its jobs-socket identity
  std::string name;
  std::string process;  // its host:pid, when it says it and it is not the name
};

struct SilentWorker {
  std::string identity;
  std::string name;
  std::chrono::milliseconds silent;
};

class WorkerLinks {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMissedHeartbeats = 3;
  // A longer interval is taken as this (zpipe's worker allows no more).
  static constexpr std::chrono::milliseconds kMaxInterval = std::chrono::hours(1);
  // The interval of a worker that promised none, while it holds jobs: a peer that takes jobs
  // and then says nothing gives them back after 3 x this, not after their time limit.
  static constexpr std::chrono::milliseconds kUnpromisedInterval = std::chrono::seconds(10);
  using HeldBy = std::function<std::size_t(const std::string& identity)>;

  // The window of a worker saying `slots` (see Credit).
  static std::uint64_t window_of(std::uint64_t slots);
  // A gap this long between two calls of take_silent() means this process, not its workers,
  // was stalled (stopped, swapped out): every worker gets a fresh start then.
  static constexpr std::chrono::milliseconds kOwnStall = std::chrono::seconds(1);

  // A message came from `identity`. Returns true when it was not known (new, or forgotten as
  // lost or gone): it holds no credit here.
  bool heard(const std::string& identity, Clock::time_point now);
  // Adds the credit (or sets it, on a reset), up to the worker's window. Call heard() first.
  void apply(const std::string& identity, const Credit& credit);
  // What the worker takes (its ready's types and queues); a new worker takes anything.
  const WorkerRoute& route_of(const std::string& identity) const;
  // Whether some connected worker handles `type`.
  bool any_handles(const std::string& type) const;
  // Takes the worker's promise to send a heartbeat every `interval_ms` (0: no promise).
  void on_heartbeat(const std::string& identity, const Heartbeat& heartbeat);

  // The next worker in turn that can be sent jobs, if any.
  std::optional<std::string> next(const HeldBy& held_by);
  std::uint64_t credit_of(const std::string& identity) const;
  // How many jobs can be sent to the worker now: its credit, within what it may hold
  // (job_credit.hpp) less what it holds.
  std::uint64_t sendable(const std::string& identity, std::size_t held) const;
  // `jobs` were sent to the worker.
  void take(const std::string& identity, std::uint64_t jobs, Clock::time_point now);

  // The worker's connection is gone: forget it.
  void drop(const std::string& identity);
  // Workers silent for more than kMissedHeartbeats of their intervals: forgotten now, each
  // reported once. `held_by` says how many jobs a worker holds.
  std::vector<SilentWorker> take_silent(Clock::time_point now, const HeldBy& held_by);

  // Every worker known now, by name (`zpipe workers`). Its state: "silent" once it has missed
  // kSilentHeartbeats of its heartbeats (or, having promised none, kUnpromisedInterval while
  // it holds jobs), else "paused" or "draining" as its last heartbeat said, else "busy" while
  // it holds jobs, else "idle".
  std::vector<WorkerSummary> summaries(Clock::time_point now, const HeldBy& held_by) const;
  static constexpr int kSilentHeartbeats = 2;

  // The worker that `worker` names, by its name or its process (host:pid), for an order from
  // afar; else why none: kNotFound (no worker has it), kAmbiguous (several have it: each is
  // named, with its process), kUnsupported (it has not said that it takes orders).
  Result<ControlTarget> control_target(const std::string& worker) const;

  std::vector<std::string> identities() const;
  std::string name_of(const std::string& identity) const;
  std::uint64_t total_credit() const { return total_; }
  std::size_t size() const { return workers_.size(); }

 private:
  struct Link {
    std::uint64_t credit = 0;
    std::string name;
    Clock::time_point last_heard;
    Clock::time_point last_sent;
    std::uint64_t slots = 1;
    std::uint64_t window = 0;               // as it last said; 0: not said
    std::chrono::milliseconds interval{0};  // 0: none promised
    Clock::time_point connected;            // first heard on this connection
    std::uint64_t sent = 0;                 // jobs sent to it since then
    std::string state;                      // its last heartbeat's: "paused", "draining", ""
    std::string process;                    // its host:pid, when not its name
    bool takes_control = false;             // its last heartbeat said it takes orders
    WorkerRoute route;
  };
  std::map<std::string, Link> workers_;
  std::string last_served_;
  std::uint64_t total_ = 0;
  std::optional<Clock::time_point> last_check_;
};

}  // namespace zpipe
