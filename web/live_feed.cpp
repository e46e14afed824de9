#include "web/live_feed.hpp"

#include "common/socket.hpp"
#include "front/time_text.hpp"
#include "monitor/event_feed.hpp"

namespace zpipe {
namespace {

nlohmann::json worker_live(const WorkerView& w) {
  return {{"state", w.state},           {"job", w.job},           {"job_type", w.job_type},
          {"job_age_ms", w.job_age_ms}, {"busy_pct", w.busy_pct}, {"slots", w.slots},
          {"succeeded", w.succeeded},   {"failed", w.failed}};
}

}  // namespace

LiveFeed::LiveFeed(LiveFeedConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      context_(1),
      queue_poll_(context_, config_.ventilator, config_.curve, config_.limits),
      store_(config_.store_path) {
  events_in_ = subscribe_to_events(context_, config_.events_from, config_.curve);
}

void LiveFeed::run(const StopFlag& stop) {
  using Clock = PipelineView::Clock;
  auto next_digest = Clock::now();
  while (!stop.is_stop_requested()) {
    if (queue_poll_.ask_if_due(Clock::now())) view_.queues_asked(Clock::now());
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(next_digest, queue_poll_.next_ask()) - Clock::now());
    zmq::pollitem_t items[] = {{events_in_.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, stop.fd(), ZMQ_POLLIN, 0},
                               {queue_poll_.socket().handle(), 0, ZMQ_POLLIN, 0}};
    poll_sockets(items, std::size(items), std::max(wait, std::chrono::milliseconds(0)));
    const auto now = Clock::now();
    if (items[0].revents & ZMQ_POLLIN) {
      // Bounded per turn (take_events) so that digests are never starved by a flood.
      take_events(events_in_, config_.limits, [&](const Event& e) { view_.apply(e, now); });
    }
    if (items[2].revents & ZMQ_POLLIN) apply_queue_replies(queue_poll_, view_, now);
    if (const auto& since = view_.queues().unanswered_since;
        since != ventilator_unanswered_since_) {
      std::lock_guard lock(mutex_);
      ventilator_unanswered_since_ = since;
    }
    if (now >= next_digest) {
      make_digest(now);
      next_digest = now + config_.interval;
    }
  }
  std::lock_guard lock(mutex_);
  made_.notify_all();
}

void LiveFeed::make_digest(PipelineView::Clock::time_point now) {
  view_.tick(now);
  store_.read_new_rows();
  const auto time_ms = static_cast<std::uint64_t>(unix_now_ms());
  const auto& totals = view_.totals();
  if (totals.known) {
    // A ventilator that restarted counts from its journal again: no negative seconds.
    const auto since = [](std::uint64_t now_count, std::uint64_t before) {
      return now_count >= before ? now_count - before : 0;
    };
    if (last_totals_) {
      history_.push_back({time_ms, since(totals.succeeded, last_totals_->succeeded),
                          since(totals.failed, last_totals_->failed)});
      if (history_.size() > kHistorySeconds) history_.pop_front();
    }
    last_totals_ = totals;
    finish_rate_.add(now, totals.succeeded + totals.failed, totals.pending + totals.in_flight);
  }
  std::optional<double> backlog_eta_s;
  if (totals.known && finish_rate_.work() == 0) backlog_eta_s = 0.0;
  if (const auto eta = finish_rate_.eta())
    backlog_eta_s = std::chrono::duration<double>(*eta).count();
  auto live = std::make_shared<nlohmann::json>(nlohmann::json{
      {"time_ms", time_ms},
      {"throughput", view_.throughput()},
      {"events_seen", view_.events_seen()},
      {"missed_events", view_.missed_events()},
      {"alerts", view_.alerts(now)},
  });
  if (totals.known) {
    // As the ventilator's last state event said them (status has the rest).
    (*live)["counts"] = {{"accepted", totals.accepted},
                         {"pending", totals.pending},
                         {"in_flight", totals.in_flight},
                         {"retrying", totals.retrying},
                         {"succeeded", totals.succeeded},
                         {"failed", totals.failed},
                         {"dead", totals.dead}};
  }
  auto& history = (*live)["history"] = nlohmann::json::array();
  for (const auto& second : history_) {
    history.push_back(
        {{"t", second.time_ms}, {"succeeded", second.succeeded}, {"failed", second.failed}});
  }
  const auto eta = view_.eta();
  (*live)["eta_s"] = eta ? nlohmann::json(eta->count()) : nlohmann::json(nullptr);
  const auto advice = view_.advice(config_.target_minutes);
  (*live)["advice"] = advice ? nlohmann::json{{"backlog", advice->backlog},
                                              {"job_ms", advice->job_ms},
                                              {"slots_per_worker", advice->slots_per_worker},
                                              {"workers_needed", advice->workers_needed},
                                              {"workers_running", advice->workers_running},
                                              {"target_minutes", config_.target_minutes}}
                             : nlohmann::json(nullptr);
  auto& failures = (*live)["failures"] = nlohmann::json::array();
  for (const auto& f : view_.failures()) {
    if (failures.size() == kFailuresShown) break;
    failures.push_back({{"time_ms", f.time_ms},
                        {"job", f.job},
                        {"type", f.type},
                        {"code", f.code},
                        {"error", f.error},
                        {"worker", f.worker}});
  }
  const auto last_event = view_.last_event();
  (*live)["hub_silent"] = !last_event || now - *last_event > PipelineView::kSilentAfter;
  std::map<std::string, nlohmann::json> lives;
  for (const auto& w : view_.workers()) lives[w.name] = worker_live(w);
  {
    std::lock_guard lock(mutex_);
    digest_ = {digest_.number + 1, std::move(live)};
    worker_lives_ = std::move(lives);
    tally_ = store_.tally();
    backlog_eta_s_ = backlog_eta_s;
  }
  made_.notify_all();
}

LiveFeed::Digest LiveFeed::latest() const {
  std::lock_guard lock(mutex_);
  return digest_;
}

LiveFeed::Digest LiveFeed::wait_newer(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  made_.wait_for(lock, timeout, [&] { return digest_.number > seen; });
  return digest_;
}

std::map<std::string, nlohmann::json> LiveFeed::worker_lives() const {
  std::lock_guard lock(mutex_);
  return worker_lives_;
}

bool LiveFeed::ventilator_silent(PipelineView::Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return ventilator_unanswered_since_ &&
         now - *ventilator_unanswered_since_ > kVentilatorSilentAfter;
}

std::optional<double> LiveFeed::backlog_eta_seconds() const {
  std::lock_guard lock(mutex_);
  return backlog_eta_s_;
}

RecordedTally LiveFeed::tally() const {
  std::lock_guard lock(mutex_);
  return tally_;
}

}  // namespace zpipe
