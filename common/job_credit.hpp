// The messages of the jobs socket besides the jobs themselves. Credit-based dispatch: a worker
// says how many more jobs it can take (Credit, "ready"), and the ventilator sends a worker no
// more jobs than its credit, in batches (JobBatch, "jobs"). What a worker holds is then bounded
// by what it asked for, whatever the size of the jobs or of the buffers on the way. Heartbeats
// on the same connection tell the ventilator which workers are alive, so that it takes back
// exactly the jobs of one that is not, and a worker gives jobs back on it (Release).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

// What the ventilator honours of a worker's credit. A worker's window is a job for each of its
// slots (as it says, 1 when it does not, at most kMaxSlots) and kMaxJobsAhead more waiting for
// a slot: it is owed at most that. It holds (sent, no outcome recorded yet) at most its window
// at the worker and as many again, or kOutcomesOnTheirWay when more, of outcomes on their way to
// the sink; the window is the one it says (`window`) when smaller. A peer that asks for a
// billion jobs gets that many, not half the queue. A worker killed, or a sink behind, costs
// no more than that many jobs run again, or waiting for their record.
inline constexpr std::uint64_t kMaxSlots = 1024;
inline constexpr std::uint64_t kMaxJobsAhead = 1000;
inline constexpr std::uint64_t kOutcomesOnTheirWay = 256;

struct Credit {
  std::uint64_t credit = 0;  // jobs the worker can take
  bool reset = false;        // true: `credit` replaces what the ventilator holds; false: adds
  std::string worker;        // the worker's name, for logs
  std::uint64_t slots = 0;   // jobs the worker runs at once; 0: not said
  std::uint64_t window = 0;  // jobs it runs and keeps waiting at most, now; 0: not said
  // What the worker takes, said with its first credit (and again with each reset); a credit
  // that does not say keeps what was said. Types: the job types it has handlers for (empty:
  // any). Queues: the queues it serves (empty: every queue), in order; with weights (one per
  // queue), each queue is picked in proportion to its weight, else strictly in order.
  bool says_routing = false;
  std::vector<std::string> types{};
  std::vector<std::string> queues{};
  std::vector<std::uint32_t> queue_weights{};

  friend bool operator==(const Credit&, const Credit&) = default;
};

struct JobBatch {
  std::vector<Job> jobs;

  friend bool operator==(const JobBatch&, const JobBatch&) = default;
};

// Either way on the jobs socket ("heartbeat"). A worker sends one every `interval_ms`; the
// ventilator takes one that stays silent for three of its intervals for lost. The ventilator
// sends one to probe a worker's connection, and with `resync` to a worker it holds no credit
// and no jobs for (it restarted, or it took the worker for lost): the worker then says its
// whole room again (ready with reset).
struct Heartbeat {
  std::uint64_t interval_ms = 0;  // worker: the promised interval; 0: no promise (never lost
                                  // for silence, only when its connection closes)
  bool resync = false;            // ventilator: "say your whole credit again"
  std::string worker;             // the worker's name, for logs
  // worker: "paused" or "draining" (stopping: finishing what it runs, taking nothing); empty
  // while it takes jobs. Left out on the wire when empty.
  std::string state{};
  std::string process{};  // worker: its host:pid, when that is not its name; else empty
  // worker: it takes orders from afar ("control": pause, resume, stop). Older workers leave it
  // out, and are never sent one.
  bool takes_control = false;

  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};

struct ReleasedJob {
  std::string id;
  std::uint32_t attempt = 1;

  friend bool operator==(const ReleasedJob&, const ReleasedJob&) = default;
};

// Worker to ventilator ("release"): jobs it gives back unrun, or cut short by its own stop.
// They go out again at once with the same attempt; nothing is recorded for them.
struct Release {
  std::vector<ReleasedJob> jobs;
  std::string reason;  // for logs: "the worker is stopping"

  friend bool operator==(const Release&, const Release&) = default;
};

// Ventilator to worker ("cancel_jobs"): stop these attempts. The worker cancels each one it runs
// (the handler's cancellation, then its time-limit kill path) and records it as cancelled; one
// it does not run (over already) needs nothing.
struct CancelJobs {
  std::vector<ReleasedJob> jobs;
  std::string by;  // who asked, for the record ("alice@web1")

  friend bool operator==(const CancelJobs&, const CancelJobs&) = default;
};

}  // namespace zpipe
