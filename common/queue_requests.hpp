// The requests about queues and dispatch limits, and their reply: list the queues
// ("queues_request"), pause or resume one ("queue_control"), set or clear a limit
// ("limit_control"); each is answered by QueuesReply ("queues").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zpipe {

struct QueuesRequest {
  std::uint64_t req = 0;
  friend bool operator==(const QueuesRequest&, const QueuesRequest&) = default;
};

// Stops (pause) or restarts (resume) dispatch from a queue; kept in the journal. Jobs keep
// being accepted into a paused queue; those running finish.
struct QueueControl {
  std::uint64_t req = 0;
  std::string queue;
  bool paused = true;
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const QueueControl&, const QueueControl&) = default;
};

// Sets a dispatch limit (`limit` as `zpipe-ventilator --limit` takes it: "TYPE=10/s",
// "TYPE=concurrency:4", "queue:NAME=..."), or clears one ("TYPE", "queue:NAME": every limit
// of it; "TYPE=rate" or "TYPE=concurrency": that kind). Kept in the journal.
struct LimitControl {
  std::uint64_t req = 0;
  bool clear = false;
  std::string limit;
  std::string pipeline{};
  friend bool operator==(const LimitControl&, const LimitControl&) = default;
};

struct QueueSummary {
  std::string name;
  std::uint64_t pending = 0;     // ready to run, waiting for a worker
  std::uint64_t running = 0;     // sent to a worker, outcome not recorded yet
  std::uint64_t scheduled = 0;   // delayed or waiting for a retry
  std::uint64_t latency_ms = 0;  // age of its oldest pending job; 0 when none
  bool paused = false;
  friend bool operator==(const QueueSummary&, const QueueSummary&) = default;
};

// One limit in force, with what it holds now.
struct LimitSummary {
  std::string limit;          // canonical text: "thumbnail=10/s", "queue:mail=concurrency:2"
  std::uint64_t running = 0;  // jobs of its type or queue running now
  std::uint64_t waiting = 0;  // jobs of its type or queue pending now
  friend bool operator==(const LimitSummary&, const LimitSummary&) = default;
};

struct QueuesReply {
  std::uint64_t req = 0;
  std::vector<QueueSummary> queues;  // by name; queues with nothing held and not paused go
  std::vector<LimitSummary> limits;
  std::string pipeline{};
  friend bool operator==(const QueuesReply&, const QueuesReply&) = default;
};

}  // namespace zpipe
