// Dashboard: `zpipe-monitor top`, a full-screen live view of the pipeline in the terminal.
// Sockets: events_in_ SUB connect -> the event hub's events-out; queue_poll_'s DEALER connect ->
// the ventilator's submit endpoint (its queues and batches, each second). One thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/stop_flag.hpp"
#include "monitor/dashboard_layout.hpp"
#include "monitor/failure_scroll_anchor.hpp"
#include "monitor/pipeline_view.hpp"
#include "monitor/queue_poll.hpp"
#include "monitor/screen_hold.hpp"

namespace zpipe {

struct TopConfig {
  std::string events_endpoint = DefaultEndpoints::kEventsOut;
  std::string ventilator_endpoint = DefaultEndpoints::kSubmit;  // asked for queues, batches
  double target_minutes = 10;  // the worker advice: finish the backlog within this
  std::chrono::milliseconds redraw{250};
  DecodeLimits limits;
  CurveSetup curve;  // enabled: connects as a CURVE client
};

class Dashboard {
 public:
  Dashboard(TopConfig config, std::shared_ptr<spdlog::logger> log);
  // Draws until 'q' or `stop`. Without a terminal on stdin and stdout it says so, suggests
  // `tail`, and returns 2.
  int run(const StopFlag& stop);

 private:
  void take_events(PipelineView::Clock::time_point now);
  bool handle_key(int key, PipelineView::Clock::time_point now);  // false: quit
  // Moves the list on screen (workers, or failures with 'f') by `rows`, within the list.
  void scroll_by(int rows);
  void draw(PipelineView::Clock::time_point now);

  TopConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  zmq::socket_t events_in_;
  QueuePoll queue_poll_;
  PipelineView view_;
  ScreenHold hold_;  // what 'p' holds on screen
  FailureScrollAnchor failure_anchor_;
  DashboardState state_;
};

}  // namespace zpipe
