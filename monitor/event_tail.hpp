// EventTail: `zpipe-monitor tail`, one line per event from every component on `out`; on `err`,
// a line when nothing arrives for a few seconds (SilenceNotice).
// Socket: events_in_ SUB connect -> the event hub's events-out. Call from one thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/rate_limiter.hpp"
#include "common/stop_flag.hpp"
#include "monitor/event_filter.hpp"
#include "monitor/sequence_gaps.hpp"
#include "monitor/silence_notice.hpp"

namespace zpipe {

struct TailConfig {
  std::string events_endpoint = DefaultEndpoints::kEventsOut;
  EventFilter filter;
  bool json = false;   // one JSON object per line
  bool color = false;  // ANSI colours (main turns them on for a terminal)
  DecodeLimits limits;
  CurveSetup curve;  // enabled: connects as a CURVE client
};

class EventTail {
 public:
  EventTail(TailConfig config, std::ostream& out, std::ostream& err,
            std::shared_ptr<spdlog::logger> log);
  // Prints events until `stop` is raised. Returns the exit code.
  int run(const StopFlag& stop);

 private:
  void print_one();

  TailConfig config_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  zmq::socket_t events_in_;
  SequenceGaps gaps_;
  RateLimiter bad_event_log_limit_;
  std::uint64_t bad_events_ = 0;
};

}  // namespace zpipe
