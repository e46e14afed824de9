// VentilatorConfig: everything the ventilator is told at start; defaults find the other programs
// on one host.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/socket.hpp"
#include "ventilator/durability.hpp"
#include "ventilator/job_policy.hpp"
#include "ventilator/limit_spec.hpp"

namespace zpipe {

// A quarter of the machine's memory, at least 64 MiB.
inline std::uint64_t default_max_backlog_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t memory =
      pages > 0 && page_size > 0
          ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
          : 0;
  return std::max<std::uint64_t>(memory / 4, std::uint64_t{64} << 20);
}

struct VentilatorConfig {
  std::string submit_endpoint = DefaultEndpoints::kSubmit;  // ROUTER bind: producers
  std::string jobs_endpoint = DefaultEndpoints::kJobs;      // ROUTER bind: workers
  std::string acks_endpoint = DefaultEndpoints::kAcks;      // PULL bind: the sink
  // PUSH connect: the sink's outcomes endpoint, where jobs cancelled before they ran are
  // recorded (as a worker records what it ran).
  std::string outcomes_endpoint = DefaultEndpoints::kOutcomes;
  std::vector<LimitSpec> limits_at_start;  // --limit; `zpipe limit` changes are journaled
  std::string events_in_endpoint = DefaultEndpoints::kEventsIn;    // hub SUB bind: components
  std::string events_out_endpoint = DefaultEndpoints::kEventsOut;  // hub PUB bind: monitors
  std::filesystem::path data_dir = default_data_dir();             // holds journal.db
  Durability durability = Durability::kBatched;
  JobPolicy policy;
  // Jobs waiting for a worker or a retry; beyond it submits are refused as busy (producers
  // using the client wait and try again).
  std::uint64_t max_backlog = 1'000'000;
  // What the jobs held may take in memory (JobTable::memory_bytes()); beyond it, the same.
  std::uint64_t max_backlog_bytes = default_max_backlog_bytes();
  // After a restart, dispatch waits this long so that the sink's acks for outcomes recorded
  // while the ventilator was down arrive first and those jobs are not run again.
  std::chrono::milliseconds recovery_hold{1000};
  // At most this many jobs go to a worker in one message, however much credit it has.
  std::size_t max_jobs_per_message = 64;
  DecodeLimits limits;
  SocketOptions sockets;
  CurveSetup curve;  // enabled: every endpoint is CURVE, only trusted keys connect
  std::chrono::milliseconds snapshot_interval{1000};  // how often the state event goes out
};

}  // namespace zpipe
