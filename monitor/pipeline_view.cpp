#include "monitor/pipeline_view.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace zpipe {
namespace {

// A field's value when it is a whole number in decimal, else `fallback`: a field from a newer or
// broken peer is ignored. (std::stoull would take "-2" as 2^64-2, and "5x" as 5.)
std::uint64_t number(const Event& event, const std::string& key, std::uint64_t fallback = 0) {
  const auto it = event.fields.find(key);
  if (it == event.fields.end()) return fallback;
  const auto& text = it->second;
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : fallback;
}

// Beyond these, a peer's numbers are taken as these: times and products computed from them
// must fit their types (steady_clock counts nanoseconds in 64 bits).
constexpr std::uint64_t kMaxSlots = 1'000'000;
constexpr std::uint64_t kMaxHeartbeatMs = 24ull * 3600 * 1000;  // a day
constexpr double kMaxEtaSeconds = 100.0 * 365 * 24 * 3600;

std::string text(const Event& event, const std::string& key) {
  const auto it = event.fields.find(key);
  return it == event.fields.end() ? std::string() : it->second;
}

// "worker vm:12" -> "vm:12"; "worker thumbs vm:12" (a worker given --name) -> "thumbs vm:12".
std::string name_from_source(const std::string& source) {
  const auto space = source.find(' ');
  return space == std::string::npos ? source : source.substr(space + 1);
}

constexpr auto kRateWindow = std::chrono::seconds(5);
constexpr auto kForgetGoneAfter = std::chrono::minutes(2);

}  // namespace

void PipelineView::apply(const Event& event, Clock::time_point now) {
  ++seen_;
  // Workers could not be heard while nothing was: their silence counts from here.
  if (!last_event_ || now - *last_event_ > kSilentAfter) stream_back_at_ = now;
  last_event_ = now;
  gaps_.missed_before(event);  // counted in gaps_.total()
  if (event.name == "ventilator.state") {
    on_ventilator_state(event, now);
  } else if (event.name == "worker.heartbeat" || event.name == "worker.up") {
    on_heartbeat(event, now);
  } else if (event.name == "worker.down") {
    auto& worker = workers_[event.source];
    worker.name = name_from_source(event.source);
    worker.state = "down";
    worker.job.clear();
    worker.busy_pct = 0;
    worker.last_seen = now;
    gone_since_[event.source] = now;
  } else if (event.name == "job.succeeded" || event.name == "job.failed") {
    on_job_finished(event);
  } else if (event.name == "disk.full") {
    const auto what = event.fields.find("what");
    alerts_[event.source] =
        Alert{"disk full: " + (what == event.fields.end() ? std::string() : what->second), now};
  }
  if (event.name == "disk.room" || event.name == "component.down") alerts_.erase(event.source);
}

void PipelineView::apply_queues(QueuesReply reply, Clock::time_point now) {
  queues_.reply = std::move(reply);
  queues_.answered_at = now;
  queues_.unanswered_since.reset();
}

void PipelineView::apply_status(const StatusReply& status, Clock::time_point now) {
  queues_.types_without_workers = status.types_without_workers;
  queues_.waiting_types.clear();
  for (const auto& counts : status.by_type) {
    const auto& unserved = status.types_without_workers;
    if (std::find(unserved.begin(), unserved.end(), counts.type) != unserved.end()) {
      queues_.waiting_types.push_back(counts);
    }
  }
  queues_.answered_at = now;
  queues_.unanswered_since.reset();
}

void PipelineView::apply_batches(BatchesReply reply, Clock::time_point now) {
  queues_.batches = std::move(reply.batches);
  queues_.answered_at = now;
  queues_.unanswered_since.reset();
}

void PipelineView::queues_asked(Clock::time_point now) {
  if (!queues_.unanswered_since) queues_.unanswered_since = now;
}

std::vector<std::string> PipelineView::alerts(Clock::time_point now) const {
  std::vector<std::string> lines;
  for (const auto& [source, alert] : alerts_) {
    if (now - alert.at <= kAlertLife) lines.push_back(source + ": " + alert.what);
  }
  if (last_state_ && now - *last_state_ > kSilentAfter) {
    const auto quiet = std::chrono::duration_cast<std::chrono::seconds>(now - *last_state_);
    const bool others_heard = last_event_ && now - *last_event_ <= kSilentAfter;
    // Short enough for 80 columns with the "! " before it.
    lines.push_back("ventilator not answering for " + std::to_string(quiet.count()) + " s" +
                    (others_heard ? "; workers' heartbeats still arrive"
                                  : ": no events at all (it hosts the event hub)"));
  }
  return lines;
}

void PipelineView::on_ventilator_state(const Event& event, Clock::time_point now) {
  totals_.known = true;
  last_state_ = now;
  totals_.accepted = number(event, "accepted");
  totals_.pending = number(event, "pending");
  totals_.in_flight = number(event, "in_flight");
  totals_.retrying = number(event, "retrying");
  totals_.succeeded = number(event, "succeeded");
  totals_.failed = number(event, "failed");
  totals_.dead = number(event, "dead");
  const auto finished = totals_.succeeded + totals_.dead;  // jobs; a retried failure is not done
  if (!samples_.empty() && finished < samples_.back().finished) samples_.clear();  // restarted
  if (!samples_.empty()) {
    const double seconds = std::chrono::duration<double>(now - samples_.back().at).count();
    if (seconds > 0) {
      history_.push_back(static_cast<double>(finished - samples_.back().finished) / seconds);
      if (history_.size() > kHistorySeconds) history_.pop_front();
    }
  }
  samples_.push_back(Sample{now, finished});
  while (samples_.size() > 2 && now - samples_[1].at >= kRateWindow) samples_.pop_front();
}

void PipelineView::on_heartbeat(const Event& event, Clock::time_point now) {
  auto& worker = workers_[event.source];
  worker.name = name_from_source(event.source);
  worker.state = event.name == "worker.up" ? "idle" : text(event, "state");
  worker.slots =
      static_cast<int>(std::clamp<std::uint64_t>(number(event, "slots", 1), 1, kMaxSlots));
  worker.busy_pct = static_cast<int>(std::min<std::uint64_t>(100, number(event, "busy_pct")));
  worker.succeeded = number(event, "succeeded", worker.succeeded);
  worker.failed = number(event, "failed", worker.failed);
  worker.job = text(event, "job");
  worker.job_type = text(event, "job_type");
  const auto started = number(event, "job_started_ms");
  worker.job_age_ms = started != 0 && event.time_ms > started ? event.time_ms - started : 0;
  worker.heartbeat = std::chrono::milliseconds(
      std::min<std::uint64_t>(kMaxHeartbeatMs, number(event, "interval_ms", 1000)));
  worker.last_seen = now;
  gone_since_.erase(event.source);
}

void PipelineView::on_job_finished(const Event& event) {
  // Microseconds when the worker sends them: fast jobs round to 0 ms.
  const bool has_us = event.fields.count("us") != 0;
  if (has_us || event.fields.count("ms") != 0) {
    const auto ms = has_us ? static_cast<double>(number(event, "us")) / 1000.0
                           : static_cast<double>(number(event, "ms"));
    // An exponential moving average: recent jobs count most, one odd job does not swing it.
    job_ms_ = job_ms_ ? 0.95 * *job_ms_ + 0.05 * ms : ms;
  }
  if (event.name != "job.failed") return;
  ++failures_seen_;
  failures_.push_front(FailureView{event.time_ms, text(event, "job"), text(event, "type"),
                                   text(event, "code"), text(event, "error"),
                                   name_from_source(event.source)});
  if (failures_.size() > kFailuresKept) failures_.pop_back();
}

void PipelineView::tick(Clock::time_point now) {
  const bool hearing_others = last_event_ && now - *last_event_ <= kSilentAfter;
  for (auto it = workers_.begin(); it != workers_.end();) {
    auto& worker = it->second;
    const auto heard_at = std::max(worker.last_seen, stream_back_at_);
    const auto silent_for = now - heard_at;
    // Others must have gone on being heard for more than one of its heartbeat intervals after
    // it: when the hub itself stops, every worker's last heartbeat lies within one interval of
    // the last event, and none of them is to blame.
    const bool others_heard_after =
        last_event_ && *last_event_ - heard_at > worker.heartbeat + worker.heartbeat / 2;
    if (!worker.is_gone() && hearing_others && others_heard_after &&
        silent_for > kVanishAfterHeartbeats * worker.heartbeat) {
      worker.state = "vanished";
      worker.job.clear();
      worker.busy_pct = 0;
      gone_since_[it->first] = now;
    }
    const auto gone = gone_since_.find(it->first);
    if (gone != gone_since_.end() && now - gone->second > kForgetGoneAfter) {
      gone_since_.erase(gone);
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

double PipelineView::throughput() const {
  if (samples_.size() < 2) return 0;
  const auto& first = samples_.front();
  const auto& last = samples_.back();
  const double seconds = std::chrono::duration<double>(last.at - first.at).count();
  return seconds > 0 ? static_cast<double>(last.finished - first.finished) / seconds : 0;
}

std::optional<std::chrono::seconds> PipelineView::eta() const {
  const auto backlog = totals_.pending + totals_.in_flight + totals_.retrying;
  const auto rate = throughput();
  if (backlog == 0 || rate <= 0) return std::nullopt;
  const double seconds = std::ceil(static_cast<double>(backlog) / rate);
  // Longer than a century is no estimate (and might not fit the count of seconds).
  if (seconds > kMaxEtaSeconds) return std::nullopt;
  return std::chrono::seconds(static_cast<long>(seconds));
}

std::optional<WorkerAdvice> PipelineView::advice(double target_minutes) const {
  if (!job_ms_ || target_minutes <= 0) return std::nullopt;
  WorkerAdvice advice;
  advice.backlog = totals_.pending + totals_.in_flight + totals_.retrying;
  advice.job_ms = *job_ms_;
  std::uint64_t slots = 0;
  for (const auto& [source, worker] : workers_) {
    if (worker.is_gone()) continue;
    ++advice.workers_running;
    slots += static_cast<std::uint64_t>(worker.slots);
  }
  if (advice.workers_running > 0) {
    advice.slots_per_worker =
        static_cast<double>(slots) / static_cast<double>(advice.workers_running);
  }
  // Slots busy for the whole target time that the backlog's work needs, shared out by worker.
  const double slot_ms_needed = static_cast<double>(advice.backlog) * advice.job_ms;
  const double slots_needed = slot_ms_needed / (target_minutes * 60'000.0);
  // A double beyond 2^64 has no uint64_t value: say "as many as can be counted".
  const double workers = std::ceil(slots_needed / advice.slots_per_worker);
  advice.workers_needed = advice.backlog == 0 ? 0
                          : workers >= 18446744073709551616.0
                              ? std::numeric_limits<std::uint64_t>::max()
                              : static_cast<std::uint64_t>(workers);
  if (advice.backlog > 0) advice.workers_needed = std::max<std::uint64_t>(1, advice.workers_needed);
  return advice;
}

std::vector<WorkerView> PipelineView::workers() const {
  std::vector<WorkerView> list;
  for (const auto& [source, worker] : workers_) list.push_back(worker);
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return list;
}

}  // namespace zpipe
