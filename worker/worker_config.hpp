// WorkerConfig: what a worker is told at start.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/socket.hpp"
#include "worker/exec_handler.hpp"
#include "worker/isolation.hpp"
#include "worker/queue_selection.hpp"

namespace zpipe {

struct WorkerConfig {
  std::string jobs_endpoint = DefaultEndpoints::kJobs;          // DEALER connect: the ventilator
  std::string outcomes_endpoint = DefaultEndpoints::kOutcomes;  // PUSH connect: the sink
  std::string events_endpoint = DefaultEndpoints::kEventsIn;    // PUB connect: the event hub
  std::string name;                                             // empty: "host:pid"
  CurveSetup curve;  // enabled: connects as a CURVE client to the ventilator and the sink
  std::size_t concurrency = 1;  // jobs run at once (slots)
  // The job types this worker takes, said to the ventilator so that it sends no other; each needs
  // a handler (built in, or added with Worker::handle()). Empty: every type it has a handler for.
  std::vector<std::string> types;
  QueueSelection queues;  // the queues it serves, and in what order; empty: every queue
  // Jobs received ahead of a free slot. With the socket buffers below, this bounds what a
  // stalled worker sits on while others could run it.
  std::size_t prefetch = 4;
  std::chrono::milliseconds grace{30'000};    // on stop, how long running jobs may finish
  std::chrono::milliseconds heartbeat{1000};  // to the ventilator (jobs socket) and monitors
  ExecLimits exec;
  bool isolate = false;  // run each job in a child process (worker/isolation.hpp)
  IsolationConfig isolation;
  DecodeLimits limits;
  SocketOptions sockets;
};

}  // namespace zpipe
