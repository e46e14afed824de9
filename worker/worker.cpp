#include "worker/worker.hpp"

#include <algorithm>

#include "common/process_name.hpp"
#include "common/protocol.hpp"
#include "common/receive_message.hpp"
#include "worker/builtin_handlers.hpp"
#include "worker/slot_pool.hpp"

namespace zpipe {
Worker::Worker(WorkerConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      handlers_(builtin_handlers(config_.exec)),
      context_(1),
      jobs_in_(make_socket(context_, zmq::socket_type::pull, config_.sockets)),
      outcomes_out_(make_socket(context_, zmq::socket_type::push, config_.sockets)) {
  if (config_.name.empty()) config_.name = host_and_pid();
  if (config_.concurrency == 0) throw std::runtime_error("concurrency must be at least 1");
  // Few jobs wait toward a worker that is busy, so that idle workers get them instead.
  jobs_in_.set(zmq::sockopt::rcvhwm, static_cast<int>(config_.concurrency));
  // No ZMQ_MAXMSGSIZE toward the ventilator: libzmq would drop the connection and not come
  // back. An oversized job is refused by the size check in decode() instead.
  jobs_in_.set(zmq::sockopt::maxmsgsize, std::int64_t{-1});
  connect_endpoint(jobs_in_, config_.jobs_endpoint, "jobs");
  connect_endpoint(outcomes_out_, config_.outcomes_endpoint, "outcomes");
  events_ =
      std::make_unique<EventPublisher>(context_, config_.events_endpoint, "worker " + config_.name);
}

Worker::~Worker() {
  events_.reset();
  jobs_in_.close();
  outcomes_out_.close();
}

void Worker::handle(const std::string& type, Handler handler) {
  handlers_[type] = std::move(handler);
}

int Worker::run(const StopFlag& stop) {
  SlotPool pool(config_.concurrency, handlers_, config_.name);
  std::string types;
  for (const auto& [type, handler] : handlers_) types += (types.empty() ? "" : ", ") + type;
  log_->info("worker {} with {} slots: jobs from {}, outcomes to {}, events to {}", config_.name,
             config_.concurrency, config_.jobs_endpoint, config_.outcomes_endpoint,
             config_.events_endpoint);
  log_->info("handles: {}", types);
  log_->info("ready");
  events_->publish("worker.up",
                   {{"slots", std::to_string(config_.concurrency)}, {"handles", types}});

  using Clock = std::chrono::steady_clock;
  auto next_heartbeat = Clock::now();
  std::optional<Clock::time_point> grace_end;
  while (true) {
    if (stop.is_stop_requested() && !grace_end) {
      grace_end = Clock::now() + config_.grace;
      log_->info("stopping: taking no more jobs; {} running, waiting up to {} ms", pool.busy(),
                 config_.grace.count());
      jobs_in_.close();  // queued jobs come back through the ventilator's time limit
    }
    if (grace_end && pool.busy() == 0) break;
    if (grace_end && Clock::now() >= *grace_end) {
      log_->warn("grace period over: {} jobs still running are abandoned", pool.busy());
      break;
    }
    const bool take = !grace_end && pool.has_capacity();
    zmq::pollitem_t items[] = {
        {grace_end ? nullptr : jobs_in_.handle(), 0, static_cast<short>(take ? ZMQ_POLLIN : 0), 0},
        {outcomes_out_.handle(), 0, static_cast<short>(outbox_.empty() ? 0 : ZMQ_POLLOUT), 0},
        {nullptr, pool.wake_fd(), ZMQ_POLLIN, 0},
        {nullptr, stop.fd(), static_cast<short>(grace_end ? 0 : ZMQ_POLLIN), 0},
    };
    const auto until = grace_end ? std::min(next_heartbeat, *grace_end) : next_heartbeat;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    poll_sockets(items, std::size(items), std::max(wait, std::chrono::milliseconds(0)));
    account_busy_time(pool);  // before collect() and take_jobs() change what is busy
    if (items[2].revents & ZMQ_POLLIN) collect(pool);
    if (items[1].revents & ZMQ_POLLOUT) flush_outbox();
    if (items[0].revents & ZMQ_POLLIN) take_jobs(pool);
    if (Clock::now() >= next_heartbeat) {
      heartbeat(pool, grace_end.has_value());
      next_heartbeat = Clock::now() + config_.heartbeat;
    }
  }
  // Jobs still running past the grace period are cancelled; handlers that heed it (sleep,
  // exec, well-behaved custom ones) return at once and their outcomes say "cancelled".
  if (pool.busy() > 0) {
    pool.cancel_all();
    const auto give_up = Clock::now() + std::chrono::seconds(1);
    while (pool.busy() > 0 && Clock::now() < give_up) {
      zmq::pollitem_t wake[] = {{nullptr, pool.wake_fd(), ZMQ_POLLIN, 0}};
      poll_sockets(wake, 1, std::chrono::milliseconds(50));
      collect(pool);
    }
  }
  collect(pool);
  const auto abandoned = pool.busy();
  // What the sink's queue cannot take now is lost when we exit: say so.
  flush_outbox();
  const auto unsent = outbox_.size();
  events_->publish("worker.down", {{"succeeded", std::to_string(succeeded_)},
                                   {"failed", std::to_string(failed_)},
                                   {"abandoned", std::to_string(abandoned)},
                                   {"unsent", std::to_string(unsent)}});
  log_->info("stopped: {} succeeded, {} failed, {} bad inputs refused", succeeded_, failed_,
             refused_inputs_);
  if (abandoned + unsent > 0) {
    log_->error("{} jobs did not stop when cancelled and {} outcomes could not be sent to the sink",
                abandoned, unsent);
    return 1;
  }
  return 0;
}

void Worker::take_jobs(SlotPool& pool) {
  while (pool.has_capacity()) {
    auto received = receive_message<Job>(jobs_in_, config_.limits, "jobs");
    if (!received) return;
    if (!received->ok()) {
      refuse_input(received->error());
      continue;
    }
    auto& job = received->value();
    log_->debug("started {} ({}, attempt {})", job.id, job.type, job.attempt);
    events_->publish(
        "job.started",
        {{"job", job.id}, {"type", job.type}, {"attempt", std::to_string(job.attempt)}});
    pool.start(std::move(job));
  }
}

void Worker::collect(SlotPool& pool) {
  for (auto& outcome : pool.take_finished()) {
    std::map<std::string, std::string> fields{{"job", outcome.id},
                                              {"type", outcome.type},
                                              {"attempt", std::to_string(outcome.attempt)},
                                              {"ms", std::to_string(outcome.run_us / 1000)},
                                              {"us", std::to_string(outcome.run_us)}};
    if (outcome.succeeded()) {
      ++succeeded_;
    } else {
      ++failed_;
      fields["code"] = outcome.error_code;
      fields["error"] = outcome.error;
      if (outcome.error_code == "unknown_type" && unknown_type_log_limit_.allow()) {
        log_->warn("{}{}", outcome.error, unknown_type_log_limit_.suppressed_note());
      }
    }
    events_->publish(outcome.succeeded() ? "job.succeeded" : "job.failed", std::move(fields));
    auto body = encode(outcome);
    if (body.size() > config_.limits.max_message_bytes) {
      // The sink would drop it, and the job with it: record the failure instead.
      log_->warn("outcome of {} is {} bytes, over the {}-byte limit; recording it as failed",
                 outcome.id, body.size(), config_.limits.max_message_bytes);
      outcome.status = OutcomeStatus::kFailed;
      outcome.error_code = std::string(to_string(ErrorCode::kTooLarge));
      outcome.error = "the result is " + std::to_string(body.size()) + " bytes, over the " +
                      std::to_string(config_.limits.max_message_bytes) + "-byte message limit";
      outcome.result = Payload();
      body = encode(outcome);
    }
    outbox_.push_back(std::move(body));
  }
  flush_outbox();
}

void Worker::flush_outbox() {
  // PUSH queues toward an absent sink until its high-water mark, then refuses: keep the rest.
  while (!outbox_.empty()) {
    if (!outcomes_out_.send(zmq::buffer(outbox_.front()), zmq::send_flags::dontwait)) return;
    outbox_.pop_front();
  }
}

void Worker::account_busy_time(const SlotPool& pool) {
  // Busy slots change only in this thread (start, collect), so busy x elapsed is exact.
  const auto now = std::chrono::steady_clock::now();
  busy_slot_time_ += (now - last_accounted_) * static_cast<long>(pool.busy());
  last_accounted_ = now;
}

void Worker::heartbeat(const SlotPool& pool, bool stopping) {
  account_busy_time(pool);
  const auto now = std::chrono::steady_clock::now();
  const auto elapsed = now - last_heartbeat_;
  const auto capacity = elapsed * static_cast<long>(pool.slots());
  const auto busy_pct = capacity.count() > 0 ? 100 * busy_slot_time_ / capacity : 0;
  busy_slot_time_ = {};
  last_heartbeat_ = now;
  std::map<std::string, std::string> fields{
      {"state", stopping ? "stopping" : (pool.busy() > 0 ? "busy" : "idle")},
      {"busy", std::to_string(pool.busy())},
      {"slots", std::to_string(pool.slots())},
      {"busy_pct", std::to_string(std::min<long>(100, static_cast<long>(busy_pct)))},
      {"succeeded", std::to_string(succeeded_)},
      {"failed", std::to_string(failed_)},
      {"interval_ms", std::to_string(config_.heartbeat.count())}};
  const auto running = pool.running();
  if (!running.empty()) {
    // The longest-running job is the one worth watching.
    const auto oldest =
        std::min_element(running.begin(), running.end(),
                         [](const auto& a, const auto& b) { return a.started_ms < b.started_ms; });
    fields["job"] = oldest->id;
    fields["job_type"] = oldest->type;
    fields["job_started_ms"] = std::to_string(oldest->started_ms);
  }
  events_->publish("worker.heartbeat", std::move(fields));
}

void Worker::refuse_input(const Error& error) {
  ++refused_inputs_;
  const auto code = std::string(to_string(error.code));
  if (refusal_log_limit_.allow()) {
    log_->warn("refused a job message: {}: {}{}", code, error.message,
               refusal_log_limit_.suppressed_note());
  }
  events_->publish("input.refused", {{"socket", "jobs"}, {"code", code}, {"error", error.message}});
}

}  // namespace zpipe
