// VentilatorConfig: everything the ventilator is told at start; defaults find the other programs
// on one host.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/socket.hpp"
#include "ventilator/job_table.hpp"

namespace zpipe {

struct VentilatorConfig {
  std::string submit_endpoint = DefaultEndpoints::kSubmit;         // ROUTER bind: producers
  std::string jobs_endpoint = DefaultEndpoints::kJobs;             // PUSH bind: workers
  std::string acks_endpoint = DefaultEndpoints::kAcks;             // PULL bind: the sink
  std::string events_in_endpoint = DefaultEndpoints::kEventsIn;    // hub SUB bind: components
  std::string events_out_endpoint = DefaultEndpoints::kEventsOut;  // hub PUB bind: monitors
  JobDefaults job_defaults;
  std::uint64_t max_pending =
      1'000'000;  // jobs waiting for a worker; beyond it submits are refused as busy
  DecodeLimits limits;
  SocketOptions sockets;
  std::chrono::milliseconds snapshot_interval{1000};  // how often the state event goes out
};

}  // namespace zpipe
