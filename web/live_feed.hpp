// LiveFeed: zpipe-web's view of the pipeline as it runs, kept by a thread of its own: it follows
// the event hub and asks the ventilator each second, as `zpipe-monitor top` does (PipelineView,
// QueuePoll), and reads the store's new rows (StoreFollower). Once a second it makes the `live`
// object of docs/HTTP.md: however many events arrive, pages and the SSE stream get one digest a
// second, never one message per job. Thread-safe readers; one run() thread.
// Sockets: events_in_ SUB connect -> event hub; QueuePoll's DEALER -> ventilator.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/stop_flag.hpp"
#include "front/finish_rate.hpp"
#include "monitor/pipeline_view.hpp"
#include "monitor/queue_poll.hpp"
#include "web/store_follower.hpp"

namespace zpipe {

struct LiveFeedConfig {
  std::string events_from;
  std::string ventilator;
  CurveSetup curve;
  DecodeLimits limits;
  std::filesystem::path store_path;
  double target_minutes = 10;
  std::chrono::milliseconds interval{1000};  // between digests
};

class LiveFeed {
 public:
  static constexpr std::size_t kHistorySeconds = 300;
  static constexpr std::size_t kFailuresShown = 20;

  struct Digest {
    std::uint64_t number = 0;  // 0: none made yet
    std::shared_ptr<const nlohmann::json> live;
  };

  LiveFeed(LiveFeedConfig config, std::shared_ptr<spdlog::logger> log);
  // Follows the pipeline until `stop`; call on the feed's own thread.
  void run(const StopFlag& stop);

  Digest latest() const;
  // The first digest newer than `seen`, waiting up to `timeout`; `latest()` when none came.
  Digest wait_newer(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  // What each worker's heartbeats say (docs/HTTP.md: a worker's `live`), by worker name.
  std::map<std::string, nlohmann::json> worker_lives() const;
  RecordedTally tally() const;
  // Whether the ventilator has left the feed's own requests (QueuePoll's, each second)
  // unanswered for over kVentilatorSilentAfter: one that is gone, stopped or swamped. What a
  // page can do without, it then does without rather than wait for it.
  bool ventilator_silent(PipelineView::Clock::time_point now = PipelineView::Clock::now()) const;
  static constexpr std::chrono::seconds kVentilatorSilentAfter{1};
  // Seconds the pending and in-flight jobs would take at the finish rate of the last seconds,
  // as `zpipe scale` measures it (FinishRate): 0 with no backlog, nullopt when nothing has
  // finished to measure by. zpipe_backlog_eta_seconds, for an orchestrator's autoscaler.
  std::optional<double> backlog_eta_seconds() const;

 private:
  void make_digest(PipelineView::Clock::time_point now);

  LiveFeedConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  zmq::socket_t events_in_;
  QueuePoll queue_poll_;
  PipelineView view_;
  StoreFollower store_;
  struct Second {
    std::uint64_t time_ms;
    std::uint64_t succeeded, failed;
  };
  std::deque<Second> history_;
  std::optional<PipelineTotals> last_totals_;
  FinishRate finish_rate_;

  mutable std::mutex mutex_;
  mutable std::condition_variable made_;
  Digest digest_;
  std::map<std::string, nlohmann::json> worker_lives_;
  RecordedTally tally_;
  std::optional<PipelineView::Clock::time_point> ventilator_unanswered_since_;
  std::optional<double> backlog_eta_s_;
};

}  // namespace zpipe
