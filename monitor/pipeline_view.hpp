// PipelineView: what `zpipe-monitor top` knows of the pipeline, built from events: totals,
// throughput and its history, ETA, workers (vanished ones marked), recent failures, missed
// events, a ventilator that stopped answering, and how many workers the backlog calls for; and
// from the ventilator's answers (QueuePoll): its queues and limits, the types that wait for a
// worker, and its latest batches. Fed by one thread; the clock is passed in, so tests drive it with
// synthetic events and answers and time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/batch_requests.hpp"
#include "common/event.hpp"
#include "common/queue_requests.hpp"
#include "common/requests.hpp"
#include "monitor/sequence_gaps.hpp"

namespace zpipe {

struct PipelineTotals {
  bool known = false;  // a ventilator.state has arrived
  std::uint64_t accepted = 0, pending = 0, in_flight = 0, retrying = 0, succeeded = 0;
  std::uint64_t failed = 0;  // failed attempts
  std::uint64_t dead = 0;
};

struct WorkerView {
  using Clock = std::chrono::steady_clock;
  std::string name;  // host:pid, or the worker's --name
  // idle, busy, stopping; "down" after worker.down; "vanished" when silent while other events
  // still arrive (when nothing arrives at all, the hub is what is silent: no news of anyone)
  std::string state;
  std::string job, job_type;
  std::uint64_t job_age_ms = 0;  // how long the job had run at the last heartbeat
  std::uint64_t succeeded = 0, failed = 0;
  int slots = 1;
  int busy_pct = 0;
  Clock::time_point last_seen{};
  std::chrono::milliseconds heartbeat{1000};
  bool is_gone() const { return state == "down" || state == "vanished"; }
};

struct FailureView {
  std::uint64_t time_ms = 0;
  std::string job, type, code, error, worker;
};

struct WorkerAdvice {
  std::uint64_t backlog = 0;    // pending + in flight
  double job_ms = 0;            // measured mean run time of one job
  double slots_per_worker = 1;  // of the workers seen
  std::uint64_t workers_needed = 0;
  std::uint64_t workers_running = 0;
};

// What the ventilator last said of its queues, of the job types that wait for a worker, and of
// its latest batches.
struct QueuesView {
  using Clock = std::chrono::steady_clock;
  std::optional<QueuesReply> reply;  // the last `queues`; nullopt before the first
  Clock::time_point answered_at{};   // when it came
  // From the last `status`: the types with pending jobs and no connected worker that handles
  // them, and the counts of those types (for how many jobs wait).
  std::vector<std::string> types_without_workers;
  std::vector<TypeCounts> waiting_types;
  // From the last `batches`: the latest batches, newest first; none before the first.
  std::vector<BatchSummary> batches;
  // Since when a request has gone unanswered; nullopt once answered.
  std::optional<Clock::time_point> unanswered_since;
};

class PipelineView {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kHistorySeconds = 300;  // the sparkline's span
  static constexpr std::size_t kFailuresKept = 100;
  static constexpr int kVanishAfterHeartbeats = 3;
  // No event from anyone for this long: the event hub (in the ventilator) is silent. Snapshots
  // come every second, so a live pipeline is never this quiet.
  static constexpr std::chrono::seconds kSilentAfter{3};

  void apply(const Event& event, Clock::time_point now);
  // The ventilator's answers (QueuePoll), and that it was asked at `now`.
  void apply_queues(QueuesReply reply, Clock::time_point now);
  void apply_status(const StatusReply& status, Clock::time_point now);
  void apply_batches(BatchesReply reply, Clock::time_point now);
  void queues_asked(Clock::time_point now);
  // Marks workers vanished that went silent while events from others kept arriving, and forgets
  // long-gone ones; call about once a second.
  void tick(Clock::time_point now);

  const PipelineTotals& totals() const { return totals_; }
  // Jobs finished per second over the last few seconds.
  double throughput() const;
  // One rate per ventilator.state interval, oldest first, at most kHistorySeconds.
  const std::deque<double>& throughput_history() const { return history_; }
  // Time to finish the backlog at the current rate; nullopt when idle, when nothing is moving,
  // or when it would take over a century.
  std::optional<std::chrono::seconds> eta() const;
  std::optional<WorkerAdvice> advice(double target_minutes) const;
  std::vector<WorkerView> workers() const;  // by name
  // What is wrong now: what programs say ("sink vm:42: disk full: ..."; each one's last disk.full
  // until its disk.room or component.down, or kAlertLife without a repeat), and a ventilator
  // whose state has not come for kSilentAfter.
  std::vector<std::string> alerts(Clock::time_point now) const;
  static constexpr std::chrono::seconds kAlertLife{15};
  const std::deque<FailureView>& failures() const { return failures_; }  // newest first
  const QueuesView& queues() const { return queues_; }
  // job.failed events received, kept or not (failures() keeps the last kFailuresKept).
  std::uint64_t failures_seen() const { return failures_seen_; }
  std::uint64_t missed_events() const { return gaps_.total(); }
  std::uint64_t events_seen() const { return seen_; }
  std::optional<Clock::time_point> last_event() const { return last_event_; }

 private:
  void on_ventilator_state(const Event& event, Clock::time_point now);
  void on_heartbeat(const Event& event, Clock::time_point now);
  void on_job_finished(const Event& event);

  PipelineTotals totals_;
  struct Sample {
    Clock::time_point at;
    std::uint64_t finished;
  };
  std::deque<Sample> samples_;  // finished counts at each ventilator.state, last few seconds
  std::deque<double> history_;
  std::map<std::string, WorkerView> workers_;            // by event source
  std::map<std::string, Clock::time_point> gone_since_;  // down or vanished, by source
  std::deque<FailureView> failures_;
  std::uint64_t failures_seen_ = 0;
  struct Alert {
    std::string what;
    Clock::time_point at;
  };
  std::map<std::string, Alert> alerts_;  // by event source
  std::optional<double> job_ms_;         // moving average of run times
  SequenceGaps gaps_;
  std::uint64_t seen_ = 0;
  std::optional<Clock::time_point> last_event_;
  Clock::time_point stream_back_at_{};  // the first event after a silence: silences start here
  std::optional<Clock::time_point> last_state_;  // the last ventilator.state
  QueuesView queues_;
};

}  // namespace zpipe
