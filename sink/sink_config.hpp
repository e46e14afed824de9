// SinkConfig: what the sink is told at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/socket.hpp"

namespace zpipe {

struct SinkConfig {
  std::string outcomes_endpoint = DefaultEndpoints::kOutcomes;  // PULL bind: workers
  std::string acks_endpoint = DefaultEndpoints::kAcks;          // PUSH connect: the ventilator
  std::string events_endpoint = DefaultEndpoints::kEventsIn;    // PUB connect: the event hub
  std::filesystem::path data_dir = default_data_dir();          // holds outcomes.db
  std::size_t batch_max = 1000;  // outcomes recorded per transaction at most
  // --keep: jobs recorded longer ago than this are deleted (sink/retention.hpp); 0 keeps all.
  std::chrono::milliseconds keep{0};
  DecodeLimits limits;
  SocketOptions sockets;
  CurveSetup curve;  // enabled: outcomes take only trusted keys; acks and events go as CURVE
};

}  // namespace zpipe
