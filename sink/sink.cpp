#include "sink/sink.hpp"

#include <algorithm>
#include <chrono>

#include "common/clock.hpp"
#include "common/disk_space.hpp"
#include "common/process_name.hpp"
#include "common/protocol.hpp"
#include "common/receive_message.hpp"
#include "common/utf8.hpp"
#include "sink/ack_messages.hpp"

namespace zpipe {
namespace {

// How often outcomes that found the disk full are tried again.
constexpr std::chrono::seconds kRetryWhenFull{1};

// How long the oldest of these outcomes waited between its worker and its record: the time the
// queues on the way hold an outcome when the sink falls behind. Read on the workers' clocks, so
// a clock ahead of ours counts as no wait.
std::uint64_t recording_lag_ms(const std::vector<Outcome>& outcomes, std::uint64_t now_ms) {
  std::uint64_t lag = 0;
  for (const auto& o : outcomes) {
    if (o.finished_ms > 0 && o.finished_ms < now_ms) lag = std::max(lag, now_ms - o.finished_ms);
  }
  return lag;
}

std::uint64_t payload_bytes(const std::vector<Outcome>& outcomes) {
  std::uint64_t bytes = 0;
  for (const auto& o : outcomes) bytes += o.payload ? o.payload->msgpack().size() : 0;
  return bytes;
}

// What a job spec takes in the store, near enough: its payload and strings, and room for the
// rest of its fields.
std::uint64_t spec_bytes(const JobSpec& spec) {
  std::uint64_t bytes = 64 + spec.type.size() + spec.payload.msgpack().size() + spec.queue.size() +
                        spec.unique_key.size() + spec.batch.size();
  for (const auto& step : spec.then) bytes += spec_bytes(step);
  for (const auto& job : spec.on_failure) bytes += spec_bytes(job);
  return bytes;
}

// What the successes among `outcomes` make, which the store keeps whatever the room: their
// follow-ups and their chains' next steps (the rest of the chain, with the result).
std::uint64_t made_bytes(const std::vector<Outcome>& outcomes) {
  std::uint64_t bytes = 0;
  for (const auto& o : outcomes) {
    if (!o.succeeded()) continue;
    for (const auto& spec : o.follow_ups) bytes += spec_bytes(spec);
    for (const auto& step : o.then) bytes += spec_bytes(step);
    if (!o.then.empty()) bytes += o.result.msgpack().size();
  }
  return bytes;
}

}  // namespace

Sink::Sink(SinkConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      context_(1),
      outcomes_in_(make_socket(context_, zmq::socket_type::pull, config_.sockets)),
      acks_out_(make_socket(context_, zmq::socket_type::push, config_.sockets)) {
  if (config_.curve.enabled()) {
    zap_ = std::make_unique<ZapHandler>(context_, config_.curve.trusted, config_.curve.trust_dir,
                                        log_);
  }
  bind_endpoint(outcomes_in_, config_.outcomes_endpoint, "outcomes", config_.curve);
  if (auto warning = exposure_warning(config_.outcomes_endpoint, "outcomes", config_.curve)) {
    log_->warn(*warning);
  }
  config_.outcomes_endpoint = bound_endpoint(outcomes_in_);
  connect_endpoint(acks_out_, config_.acks_endpoint, "acks", config_.curve);
  // After the sockets: a mistyped endpoint must not leave a store behind. Another sink on the
  // same store would record and acknowledge outcomes beside this one: refuse to start.
  data_dir_lock_.emplace(lock_data_dir(config_.data_dir, "sink"));
  store_ = std::make_unique<OutcomeStore>(
      outcome_store_path(config_.data_dir), OutcomeStore::Access::kReadWrite,
      [this](const std::string& what) { log_->warn("{}", what); });
  events_ = std::make_unique<EventPublisher>(context_, config_.events_endpoint,
                                             "sink " + host_and_pid(), config_.curve);
  if (config_.keep.count() > 0) retention_.emplace(config_.keep, log_);
  refusals_.emplace(log_, events_.get());
  disk_notice_.emplace(log_, events_.get());
}

Sink::~Sink() {
  events_.reset();
  outcomes_in_.close();
  acks_out_.close();
}

int Sink::run(const StopFlag& stop) {
  log_->info("outcomes on {} (PULL), acks to {}, events to {}", config_.outcomes_endpoint,
             config_.acks_endpoint, config_.events_endpoint);
  log_->info("store: {}", outcome_store_path(config_.data_dir).string());
  log_->info("{}", config_.curve.describe());
  log_->info("ready");
  events_->publish("component.up", {{"component", "sink"}});

  using Clock = std::chrono::steady_clock;
  auto next_state = Clock::now() + std::chrono::seconds(1);
  int exit_code = 0;
  while (!stop.is_stop_requested()) {
    // While outcomes wait for room on the disk, more wait in the workers' queues.
    zmq::pollitem_t items[] = {
        {outcomes_in_.handle(), 0, static_cast<short>(holding_ ? 0 : ZMQ_POLLIN), 0},
        {nullptr, stop.fd(), ZMQ_POLLIN, 0},
        {acks_out_.handle(), 0, static_cast<short>(acks_outbox_.empty() ? 0 : ZMQ_POLLOUT), 0}};
    auto until = holding_ ? std::min(next_state, retry_at_) : next_state;
    if (retention_) until = std::min(until, retention_->due());
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    poll_sockets(items, std::size(items), std::max(wait, std::chrono::milliseconds(0)));
    const bool retry = holding_ && Clock::now() >= retry_at_;
    if (((items[0].revents & ZMQ_POLLIN) || retry) && !record_waiting()) {
      exit_code = 1;
      break;
    }
    if (items[2].revents & ZMQ_POLLOUT) flush_acks();
    // One batch of old rows at a time, after the outcomes that were waiting: recording waits
    // for one batch at most.
    if (retention_) retention_->run_due(*store_, Clock::now(), unix_ms_now());
    if (Clock::now() >= next_state) {
      if (!store_files_intact()) {
        exit_code = 1;
        break;
      }
      publish_state();
      next_state = Clock::now() + std::chrono::seconds(1);
    }
  }
  // Outcomes already delivered to us are recorded before we go (unless there is no room).
  while (exit_code == 0 && !holding_ && outcomes_in_.get(zmq::sockopt::events) & ZMQ_POLLIN) {
    if (!record_waiting()) exit_code = 1;
  }
  if (holding_) {
    // Never acked: the ventilator sends their jobs out again to the next sink.
    log_->warn("{} outcomes found no room on the disk before stopping: their jobs will run again",
               batch_.size());
  }
  flush_acks();
  if (!acks_outbox_.empty()) {
    // Their outcomes are stored; only the ventilator's counts miss them.
    log_->warn("{} ack messages could not be handed to the ventilator before stopping",
               acks_outbox_.size());
  }
  events_->publish("component.down", {{"component", "sink"}});
  log_->info(
      "stopped: {} outcomes recorded ({} failures, {} cancelled), {} duplicates dropped, {} bad "
      "inputs refused",
      recorded_, failures_, cancelled_, duplicates_, refusals_->count());
  return exit_code;
}

bool Sink::short_of_room(std::uint64_t payload_bytes, std::uint64_t kept_bytes) {
  const auto space = disk_space_of(config_.data_dir);
  // Nearing the reserve, the store's log stays short: a log grown over the room left would
  // leave the store no room to take it back, and no outcome could be recorded again.
  store_->keep_log_short(space && space->free_bytes < 2 * space->reserve_bytes());
  // The payloads go in twice, into the log and then the store: 1,000 outcomes of 4 KB jobs
  // took 8 MB, the whole reserve, in one commit. So do the bytes kept whatever the room.
  return space &&
         space->too_full_for(2 * (payload_bytes + kept_bytes) + store_->log_growth_bytes());
}

void Sink::drop_payloads() {
  for (auto& outcome : batch_) {
    if (!outcome.payload) continue;
    outcome.payload_bytes = outcome.payload->msgpack().size();
    outcome.payload.reset();
  }
}

bool Sink::record_waiting() {
  // Kept between calls: its room for a full transaction is allocated once, not per message.
  if (!holding_) batch_.clear();
  std::string sender_key;
  while (!holding_ && batch_.size() < config_.batch_max) {
    auto received = receive_batch<Outcome, OutcomeBatch, &OutcomeBatch::outcomes>(
        outcomes_in_, config_.limits, "outcomes", config_.curve.enabled() ? &sender_key : nullptr);
    if (!received) break;
    if (!received->ok()) {
      refusals_->refuse("outcomes", received->error());
      continue;
    }
    for (auto& outcome : received->value()) {
      outcome.key = sender_key;
      batch_.push_back(std::move(outcome));
    }
  }
  if (batch_.empty()) return true;
  if (holding_ || short_of_room(payload_bytes(batch_), made_bytes(batch_))) drop_payloads();

  const auto now_ms = unix_ms_now();
  auto recorded = store_->record(batch_, now_ms);
  if (!recorded.ok() && recorded.error().code == ErrorCode::kDiskFull) {
    holding_ = true;
    retry_at_ = std::chrono::steady_clock::now() + kRetryWhenFull;
    disk_notice_->full("cannot record outcomes: " + recorded.error().message + "; " +
                       std::to_string(batch_.size()) +
                       " outcomes wait here unacknowledged, and more in the workers' queues, "
                       "until there is room");
    return true;
  }
  if (!recorded.ok()) {
    // Not acknowledged, so the ventilator still owns these jobs; stopping is the safe move.
    log_->critical("cannot record outcomes: {}", recorded.error().message);
    return false;
  }
  holding_ = false;
  disk_notice_->room();
  if (!store_files_intact()) return false;  // recorded into a file no longer there: no acks
  AckBatch acks;
  acks.lag_ms = recording_lag_ms(batch_, now_ms);
  acks.acks.reserve(batch_.size());
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    const auto& o = batch_[i];
    auto& entry = recorded.value()[i];
    const bool is_new = entry.is_new;
    // A cancelled outcome is no failure: the ack carries no error for it.
    const bool failed_now = is_new && o.status == OutcomeStatus::kFailed;
    // A success carries what it made as the store kept it: for a duplicate, the first outcome's
    // (the ventilator may learn of the job's end only now, if it restarted before the first ack).
    acks.acks.push_back(
        Ack{.id = o.id,
            .status = entry.status,
            .duplicate = !is_new,
            .attempt = o.attempt,
            .final = entry.final,
            .error_code = failed_now ? o.error_code : std::string(),
            .error = failed_now ? utf8_prefix(o.error, kAckErrorBytes) : std::string(),
            .follow_ups = std::move(entry.follow_ups),
            .next = std::move(entry.next)});
    if (!is_new) {
      ++duplicates_;
      events_->publish("job.duplicate", {{"job", o.id}, {"type", o.type}, {"worker", o.worker}});
      continue;
    }
    ++recorded_;
    if (o.status == OutcomeStatus::kFailed) ++failures_;
    if (o.status == OutcomeStatus::kCancelled) ++cancelled_;
  }
  for (auto& message :
       encode_acks_within(std::move(acks), ack_room(config_.limits.max_message_bytes))) {
    acks_outbox_.push_back(std::move(message));
  }
  flush_acks();
  return true;
}

bool Sink::store_files_intact() {
  auto files = store_->check_files();
  if (files.ok()) return true;
  // The outcomes not acknowledged stay the ventilator's: it sends their jobs out again.
  log_->critical("{}; stopping without acknowledging anything more", files.error().message);
  return false;
}

void Sink::flush_acks() {
  // PUSH toward the ventilator queues while it is away, up to its high-water mark; past that
  // the acks wait here, and go when the ventilator drains its queue.
  while (!acks_outbox_.empty()) {
    if (!acks_out_.send(zmq::buffer(acks_outbox_.front()), zmq::send_flags::dontwait)) return;
    acks_outbox_.pop_front();
  }
}

void Sink::publish_state() {
  events_->publish("sink.state",
                   {{"recorded", std::to_string(recorded_)},
                    {"recorded_per_s", std::to_string(recorded_rate_.per_second(recorded_))},
                    {"failures", std::to_string(failures_)},
                    {"duplicates", std::to_string(duplicates_)}});
}

}  // namespace zpipe
