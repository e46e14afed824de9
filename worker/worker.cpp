#include "worker/worker.hpp"

#include <algorithm>
#include <utility>

#include "common/job_credit.hpp"
#include "common/outcome_batch.hpp"
#include "common/plural.hpp"
#include "common/process_name.hpp"
#include "common/protocol.hpp"
#include "common/receive_message.hpp"
#include "worker/builtin_handlers.hpp"
#include "worker/isolation.hpp"
#include "worker/orphan_guard.hpp"
#include "worker/queue_selection.hpp"
#include "worker/slot_pool.hpp"

namespace zpipe {
namespace {

// Beyond --prefetch, a worker asks for about this much work per slot to wait for a slot, so
// that short jobs do not leave slots idle while new ones come: a credit's round trip to the
// ventilator takes a few hundred microseconds. Long jobs never reach past --prefetch.
constexpr double kQueuedWorkPerSlotUs = 5000;

// Outcomes sent in one message at most: about a millisecond of short jobs on one worker, and
// a quarter of what the sink records in one transaction.

// How long a cancelled job's handler has to return before its cancelled outcome goes without it
// (the stop's --grace when shorter): a cancel is recorded within a second of being asked for.
// Heeding handlers take a few tens of milliseconds (sleep naps 20 ms, exec polls every 50 ms,
// an isolated job's process is watched every 20 ms).
constexpr std::chrono::milliseconds kCancelGrace{500};

// A job event's fields: the job, its type, its queue when not the default one (left out, as
// in the job message, so that a pipeline without queues sends what it sent before) and its
// batch when it has one.
std::map<std::string, std::string> job_fields(const std::string& id, const std::string& type,
                                              const std::string& queue, const std::string& batch) {
  std::map<std::string, std::string> fields{{"job", id}, {"type", type}};
  if (!queue.empty() && queue != kDefaultQueue) fields["queue"] = queue;
  if (!batch.empty()) fields["batch"] = batch;
  return fields;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

// The handlers of a process running one isolated job: exec commands stay in its process group
// (the worker kills that group at the time limit).
std::map<std::string, Handler> handlers_for_isolated_job(ExecLimits exec) {
  exec.own_process_group = false;
  return builtin_handlers(exec);
}

}  // namespace

Worker::Worker(WorkerConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      handlers_(is_isolated_child() ? handlers_for_isolated_job(config_.exec)
                                    : builtin_handlers(config_.exec)),
      context_(1) {
  if (config_.name.empty()) config_.name = host_and_pid();
  if (config_.concurrency == 0) throw std::runtime_error("concurrency must be at least 1");
  // The process running one isolated job talks to its parent only.
  if (is_isolated_child()) return;
  outcomes_out_ = make_socket(context_, zmq::socket_type::push, config_.sockets);
  if (config_.curve.enabled()) {
    outcomes_watch_ = std::make_unique<HandshakeWatch>(context_, outcomes_out_,
                                                       "the sink at " + config_.outcomes_endpoint);
  }
  connect_to_jobs();
  connect_endpoint(outcomes_out_, config_.outcomes_endpoint, "outcomes", config_.curve);
  events_ = std::make_unique<EventPublisher>(context_, config_.events_endpoint,
                                             event_source("worker", config_.name), config_.curve);
  refusals_.emplace(log_, events_.get());
}

Worker::~Worker() {
  jobs_watch_.reset();
  outcomes_watch_.reset();
  events_.reset();
  jobs_in_.close();
  outcomes_out_.close();
}

void Worker::connect_to_jobs() {
  jobs_in_ = make_socket(context_, zmq::socket_type::dealer, config_.sockets);
  if (config_.curve.enabled()) {
    jobs_watch_ = std::make_unique<HandshakeWatch>(context_, jobs_in_,
                                                   "the ventilator at " + config_.jobs_endpoint);
  }
  // No ZMQ_MAXMSGSIZE toward the ventilator: libzmq would drop the connection and not come
  // back. An oversized job is refused by the size check in decode() instead.
  jobs_in_.set(zmq::sockopt::maxmsgsize, std::int64_t{-1});
  connect_endpoint(jobs_in_, config_.jobs_endpoint, "jobs", config_.curve);
}

void Worker::send_credit(std::uint64_t credit, bool reset) {
  // Queued until the connection is up; on a full queue (a ventilator long gone) the resync a
  // ventilator sends to a worker it does not know brings the whole credit again.
  Credit message{credit, reset, config_.name, config_.concurrency, window_};
  if (reset) {
    // Said with every reset credit, the first one included: a ventilator that restarted or took
    // us for lost learns it again with the resync that follows.
    message.says_routing = true;
    message.types = types_;
    message.queues = config_.queues.queues;
    message.queue_weights = config_.queues.weights;
  }
  const auto body = encode(message);
  if (!jobs_in_.send(zmq::buffer(body), zmq::send_flags::dontwait)) return;
  credit_out_ = reset ? credit : credit_out_ + credit;
}

void Worker::grant_credit(const SlotPool& pool, bool resync) {
  if (!taking_jobs_) return;
  // The window: a job for every slot, and `prefetch` more waiting for one, or more for short
  // jobs.
  auto ahead = config_.prefetch;
  if (job_us_average_ > 0) {
    const auto for_work =
        static_cast<double>(pool.slots()) * kQueuedWorkPerSlotUs / job_us_average_;
    ahead = std::max(ahead, static_cast<std::size_t>(std::min(for_work, double{kMaxJobsAhead})));
  }
  const auto window = pool.slots() + ahead;
  window_ = window;
  const auto held = pool.outstanding();
  const auto free = window > held ? window - held : 0;
  if (resync) {
    send_credit(free, true);
    return;
  }
  const auto want = free > credit_out_ ? free - credit_out_ : 0;
  // Credit in batches of half the window, so that a message of credit is not sent per job.
  if (want > 0 && (want >= std::max<std::size_t>(1, window / 2) || credit_out_ == 0)) {
    send_credit(want, false);
  }
}

void Worker::handle(const std::string& type, Handler handler) {
  handlers_[type] = std::move(handler);
}

void Worker::use(Middleware middleware) { middleware_.push_back(std::move(middleware)); }

void Worker::use(const std::string& type, Middleware middleware) {
  type_middleware_[type].push_back(std::move(middleware));
}

int Worker::run(const StopFlag& stop) {
  if (is_isolated_child()) {
    return run_isolated_child(with_middleware(handlers_, middleware_, type_middleware_),
                              config_.name);
  }
  std::vector<std::string> registered;
  for (const auto& [type, handler] : handlers_) registered.push_back(type);
  for (const auto& type : config_.types) {
    if (handlers_.count(type) == 0) {
      throw std::runtime_error("types: no handler for type '" + type + "' in this worker; it has " +
                               joined(registered, ", "));
    }
  }
  for (const auto& [type, middleware] : type_middleware_) {
    if (handlers_.count(type) == 0) {
      throw std::runtime_error("use: middleware for type '" + type +
                               "', which has no handler in this worker; it has " +
                               joined(registered, ", "));
    }
  }
  if (!config_.types.empty()) {
    // Narrowed: the other handlers go, so that a job of another type (from a ventilator that
    // does not route by type) fails as unknown_type here, as the ventilator was told.
    std::erase_if(handlers_, [&](const auto& entry) {
      return std::find(config_.types.begin(), config_.types.end(), entry.first) ==
             config_.types.end();
    });
  }
  types_.clear();
  for (const auto& [type, handler] : handlers_) types_.push_back(type);
  install_pause_signals(pause_);
  // Built once, here, so that a job pays for its type's middleware only (none: the handler
  // alone). An isolated job's process builds its own (run_isolated_child above).
  auto slot_handlers = with_middleware(handlers_, middleware_, type_middleware_);
  if (config_.isolate) {
    for (auto& [type, handler] : slot_handlers) handler = isolating_handler(config_.isolation);
  }
  // Started before the slots' threads, stopped once they are joined (the pool ends first).
  const orphan_guard::Running orphan_guard(*log_);
  SlotPool pool(config_.concurrency, std::move(slot_handlers), config_.name);
  announce();
  serve(pool, stop);
  cancel_unfinished(pool);
  return say_goodbye(pool);
}

void Worker::announce() {
  const auto types = joined(types_, ", ");
  const auto queues = queue_selection_text(config_.queues);
  log_->info("worker {} with {}: jobs from {}, outcomes to {}, events to {}", config_.name,
             count_noun(config_.concurrency, "slot"), config_.jobs_endpoint,
             config_.outcomes_endpoint, config_.events_endpoint);
  log_->info("handles: {}; queues: {}", types,
             queues.empty()
                 ? "every queue"
                 : queues + (config_.queues.is_weighted() ? " (by weight)" : " (in strict order)"));
  log_->info("{}", config_.curve.describe());
  if (config_.isolate) {
    log_->info("each job runs in a process of its own (--isolate){}",
               config_.isolation.memory_limit_bytes > 0
                   ? ", memory limit " +
                         std::to_string(config_.isolation.memory_limit_bytes >> 20) + " MiB"
                   : "");
  }
  log_->info("ready");
  // queues: as --queues gives them ("critical:6,default:3"); empty: every queue.
  events_->publish(
      "worker.up",
      {{"slots", std::to_string(config_.concurrency)}, {"handles", types}, {"queues", queues}});
}

void Worker::serve(SlotPool& pool, const StopFlag& stop) {
  using Clock = std::chrono::steady_clock;
  auto next_heartbeat = Clock::now();
  grant_credit(pool, true);  // the whole room, whatever a ventilator held for us before
  std::optional<Clock::time_point> grace_end;
  bool paused = false;
  while (true) {
    if ((stop.is_stop_requested() || stop_ordered_) && !grace_end) {
      grace_end = Clock::now() + config_.grace;
      stop_taking_jobs(pool, "the worker is stopping");
      log_->info("stopping: taking no more jobs; {} given back, {} running, waiting up to {} ms",
                 released_, pool.busy(), config_.grace.count());
      next_heartbeat = Clock::now();  // the ventilator and monitors hear of it at once
    }
    if (!grace_end && pause_.is_paused() != paused) {
      paused = follow_pause(pool);
      next_heartbeat = Clock::now();  // monitors hear of it at once
    } else {
      paused_by_.clear();  // switched back and forth unseen: whoever asked, nothing changed
    }
    if (grace_end && pool.outstanding() == 0) return;
    if (grace_end && Clock::now() >= *grace_end) {
      log_->warn("grace period over: {} jobs still running are cancelled and given back",
                 pool.busy());
      return;
    }
    zmq::pollitem_t items[] = {
        {jobs_in_.handle(), 0, ZMQ_POLLIN, 0},
        {outcomes_out_.handle(), 0, static_cast<short>(outbox_.empty() ? 0 : ZMQ_POLLOUT), 0},
        {nullptr, pool.wake_fd(), ZMQ_POLLIN, 0},
        {nullptr, stop.fd(), static_cast<short>(grace_end ? 0 : ZMQ_POLLIN), 0},
        {nullptr, pause_.fd(), static_cast<short>(grace_end ? 0 : ZMQ_POLLIN), 0},
    };
    auto until = grace_end ? std::min(next_heartbeat, *grace_end) : next_heartbeat;
    for (const auto& due : cancels_due_) until = std::min(until, due.at);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    poll_sockets(items, std::size(items), std::max(wait, std::chrono::milliseconds(0)));
    account_busy_time(pool);  // before collect() and the ventilator's messages change it
    if (items[2].revents & ZMQ_POLLIN) collect(pool);
    if (items[1].revents & ZMQ_POLLOUT) flush_outbox();
    if (items[0].revents & ZMQ_POLLIN) handle_ventilator_messages(pool);
    if (!cancels_due_.empty()) give_up_on_overdue_cancels(pool);
    grant_credit(pool, false);
    if (Clock::now() >= next_heartbeat) {
      report_handshake_failures();
      heartbeat(pool, grace_end.has_value() ? "stopping" : (paused ? "paused" : ""));
      next_heartbeat = Clock::now() + config_.heartbeat;
    }
  }
}

bool Worker::follow_pause(SlotPool& pool) {
  const bool paused = pause_.is_paused();
  pause_.clear_wakeup();
  const auto by = std::exchange(paused_by_, {});
  if (paused) {
    const auto released_before = released_;
    stop_taking_jobs(pool, "the worker is pausing");
    log_->info("paused ({}): taking no jobs until {}; {} running, {} given back",
               by.empty() ? "SIGUSR2" : "by " + by, by.empty() ? "SIGCONT" : "resumed", pool.busy(),
               released_ - released_before);
  } else {
    log_->info("resumed ({})", by.empty() ? "SIGCONT" : "by " + by);
    taking_jobs_ = true;
    grant_credit(pool, true);
  }
  std::map<std::string, std::string> fields;
  if (!by.empty()) fields["by"] = by;
  events_->publish(paused ? "worker.paused" : "worker.resumed", std::move(fields));
  return paused;
}

void Worker::obey(const ControlWorker& order) {
  const auto by = order.by.empty() ? std::string("the ventilator") : order.by;
  if (order.action == WorkerAction::kStop) {
    log_->info("asked to stop by {}", by);
    stop_ordered_ = true;
    return;
  }
  const bool pause = order.action == WorkerAction::kPause;
  if (pause_.is_paused() == pause) {
    log_->info("asked to {} by {}: {} already", to_string(order.action), by,
               pause ? "paused" : "taking jobs");
    return;
  }
  // Followed by serve() as a signal's switch is (a stopping worker follows none).
  paused_by_ = by;
  pause_.set_paused(pause);
}

void Worker::cancel_unfinished(SlotPool& pool) {
  // Jobs still running past the grace period are cancelled; handlers that heed it (sleep,
  // exec, well-behaved custom ones) return at once, and the jobs are given back.
  if (pool.outstanding() > 0) {
    cancelling_ = true;
    pool.cancel_all();
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (pool.outstanding() > 0 && std::chrono::steady_clock::now() < give_up) {
      zmq::pollitem_t wake[] = {{nullptr, pool.wake_fd(), ZMQ_POLLIN, 0}};
      poll_sockets(wake, 1, std::chrono::milliseconds(50));
      collect(pool);
    }
  }
  collect(pool);
}

int Worker::say_goodbye(const SlotPool& pool) {
  const auto abandoned = pool.outstanding();
  // What the sink's queue cannot take now is lost when we exit: say so.
  flush_outbox();
  const auto unsent = outbox_.size();
  events_->publish("worker.down", {{"succeeded", std::to_string(succeeded_)},
                                   {"failed", std::to_string(failed_)},
                                   {"cancelled", std::to_string(cancelled_)},
                                   {"released", std::to_string(released_)},
                                   {"abandoned", std::to_string(abandoned)},
                                   {"unsent", std::to_string(unsent)}});
  log_->info(
      "stopped: {} succeeded, {} failed, {} cancelled, {} given back unfinished, {} bad inputs "
      "refused",
      succeeded_, failed_, cancelled_, released_, refusals_->count());
  if (abandoned + unsent > 0) {
    log_->error("{} jobs did not stop when cancelled and {} outcomes could not be sent to the sink",
                abandoned, unsent);
    return 1;
  }
  return 0;
}

void Worker::handle_ventilator_messages(SlotPool& pool) {
  // No more jobs than the credit we gave can come, so every job is taken: the slots run some
  // now, the rest wait for one. Jobs that come after we stopped taking any are given back.
  for (int messages = 0; messages < 1000; ++messages) {
    auto received = receive_any_message(jobs_in_, config_.limits, "jobs");
    if (!received) return;
    if (!received->ok()) {
      refusals_->refuse("jobs", received->error());
      continue;
    }
    auto& message = received->value();
    std::vector<Job> jobs;
    if (auto* batch = std::get_if<JobBatch>(&message)) {
      jobs = std::move(batch->jobs);
    } else if (auto* job = std::get_if<Job>(&message)) {
      jobs.push_back(std::move(*job));
    } else if (const auto* heartbeat = std::get_if<Heartbeat>(&message)) {
      if (heartbeat->resync) {
        // The ventilator holds no credit and no jobs for us (it restarted, or took us for
        // lost): the jobs waiting here for a slot are no longer ours to run (it sends them
        // out again, maybe back to us), so they are dropped; running ones finish, and their
        // outcomes are still recorded. Then say the whole room again.
        const auto dropped = pool.take_queued().size();
        log_->info(
            "the ventilator asks for our credit afresh; {} jobs waiting for a slot, "
            "which it has taken back, are dropped",
            dropped);
        credit_out_ = 0;
        grant_credit(pool, true);
      }
      continue;
    } else if (const auto* cancel = std::get_if<CancelJobs>(&message)) {
      cancel_jobs(pool, *cancel);
      continue;
    } else if (const auto* order = std::get_if<ControlWorker>(&message)) {
      obey(*order);
      continue;
    } else {
      refusals_->refuse("jobs", make_error(ErrorCode::kUnexpectedKind,
                                           "the jobs socket brings jobs, job, heartbeat, "
                                           "cancel_jobs and control, not " +
                                               std::string(kind_name(message))));
      continue;
    }
    credit_out_ -= std::min<std::uint64_t>(credit_out_, jobs.size());
    if (!taking_jobs_) {
      give_back(jobs, "the worker is stopping or pausing");
      continue;
    }
    for (auto& job : jobs) start_job(pool, std::move(job));
  }
}

void Worker::start_job(SlotPool& pool, Job job) {
  log_->debug("received {} ({}, attempt {})", job.id, job.type, job.attempt);
  pool.start(std::move(job));
}

void Worker::cancel_jobs(SlotPool& pool, const CancelJobs& cancel) {
  const auto by = cancel.by.empty() ? std::string("the ventilator") : cancel.by;
  const auto grace = std::min<std::chrono::milliseconds>(config_.grace, kCancelGrace);
  for (const auto& which : cancel.jobs) {
    auto found = pool.cancel(which.id, which.attempt, cancel.by);
    switch (found.where) {
      case CancelFound::Where::kNotHeld:
        log_->debug("asked to cancel {} (attempt {}), which is not running here", which.id,
                    which.attempt);
        break;
      case CancelFound::Where::kWaiting:
        log_->info("cancelled {} (attempt {}) for {} before it started", which.id, which.attempt,
                   by);
        record(std::move(*found.outcome));
        break;
      case CancelFound::Where::kRunning:
        log_->info("cancelling {} (attempt {}) for {}", which.id, which.attempt, by);
        cancels_due_.push_back(
            CancelDue{which.id, which.attempt, std::chrono::steady_clock::now() + grace});
        break;
    }
  }
  flush_outbox();
}

void Worker::give_up_on_overdue_cancels(SlotPool& pool) {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(cancels_due_, [&](const CancelDue& due) {
    if (now < due.at) return false;
    if (auto outcome = pool.give_up_on(due.id, due.attempt)) {
      // As at a time limit, a handler that does not return cannot be stopped from outside its
      // thread: the record goes now, the slot stays taken until it returns.
      log_->warn(
          "the handler of {} (attempt {}) has not returned since it was cancelled: recorded as "
          "cancelled; its slot stays busy until it returns",
          due.id, due.attempt);
      record(std::move(*outcome));
    }
    return true;
  });
  flush_outbox();
}

void Worker::stop_taking_jobs(SlotPool& pool, std::string_view why) {
  taking_jobs_ = false;
  send_credit(0, true);  // no more, please
  // Jobs the ventilator sends before it reads that are given back as they come; those
  // waiting for a slot go back now. The connection stays: heartbeats go on while running jobs
  // finish, so that the ventilator does not take them for lost.
  give_back(pool.take_queued(), why);
  flush_outbox();
}

void Worker::give_back(const std::vector<Job>& jobs, std::string_view why) {
  if (jobs.empty()) return;
  Release release;
  release.reason = std::string(why);
  for (const auto& job : jobs) {
    release.jobs.push_back(ReleasedJob{job.id, job.attempt});
    events_->publish("job.released", job_fields(job.id, job.type, job.queue, job.batch));
  }
  released_ += jobs.size();
  // Lost only if the ventilator is unreachable, and then it holds them in its journal and
  // sends them out again when the connection closes or it restarts.
  if (!jobs_in_.send(zmq::buffer(encode(release)), zmq::send_flags::dontwait)) {
    log_->warn(
        "cannot give back {} jobs now (the ventilator's queue is full); they go out again "
        "when it sees us gone",
        jobs.size());
  }
}

void Worker::collect(SlotPool& pool) {
  auto report = pool.take_reports();
  for (const auto& started : report.started) {
    log_->debug("started {} ({}, attempt {})", started.id, started.type, started.attempt);
    if (events_->admit_per_job_event("job.started")) {
      auto fields = job_fields(started.id, started.type, started.queue, started.batch);
      fields["attempt"] = std::to_string(started.attempt);
      events_->publish("job.started", std::move(fields));
    }
  }
  std::vector<Job> cut_short;
  for (auto& outcome : report.finished) {
    if (cancelling_ && outcome.status == OutcomeStatus::kFailed) {
      // Cut short by our own stop, not by the job: it runs again elsewhere, attempt intact.
      Job job;
      job.id = std::move(outcome.id);
      job.type = std::move(outcome.type);
      job.attempt = outcome.attempt;
      if (!outcome.queue.empty()) job.queue = std::move(outcome.queue);
      job.batch = std::move(outcome.batch);
      cut_short.push_back(std::move(job));
      continue;
    }
    record(std::move(outcome));
  }
  give_back(cut_short, "the worker stopped before the job finished");
  flush_outbox();
}

void Worker::record(Outcome outcome) {
  const bool cancelled = outcome.status == OutcomeStatus::kCancelled;
  cancelled ? ++cancelled_ : (outcome.succeeded() ? ++succeeded_ : ++failed_);
  // A moving average: recent jobs count most. Cut-short jobs say nothing of how long jobs take.
  if (!cancelled) {
    const auto run_us = static_cast<double>(std::max<std::uint64_t>(1, outcome.run_us));
    job_us_average_ = job_us_average_ > 0 ? 0.9 * job_us_average_ + 0.1 * run_us : run_us;
  }
  if (!outcome.succeeded() && outcome.error_code == to_string(ErrorCode::kUnknownType) &&
      unknown_type_log_limit_.allow()) {
    log_->warn("{}{}", outcome.error, unknown_type_log_limit_.suppressed_note());
  }
  // Every failure is published; successes are sampled at high rates.
  if (!outcome.succeeded() || events_->admit_per_job_event("job.succeeded")) {
    auto fields = job_fields(outcome.id, outcome.type, outcome.queue, outcome.batch);
    fields["attempt"] = std::to_string(outcome.attempt);
    fields["ms"] = std::to_string(outcome.run_us / 1000);
    fields["us"] = std::to_string(outcome.run_us);
    if (!outcome.succeeded()) {
      fields["code"] = outcome.error_code;
      fields["error"] = outcome.error;
    }
    events_->publish(outcome.succeeded() ? "job.succeeded"
                     : cancelled         ? "job.cancelled"
                                         : "job.failed",
                     std::move(fields));
  }
  // Alone in a message, it must fit the message limit.
  const auto most = config_.limits.max_message_bytes - kOutcomesEnvelopeBytes;
  auto body = encode_outcome_entry_within(outcome, most);
  const auto fits = [&] { return body.size() <= most; };
  if (!fits() && cancelled) {
    // What a cancelled job had made so far is not worth losing its record over.
    outcome.result = Payload();
    body = encode_outcome_entry(outcome);
  }
  if (!fits()) {
    // The sink would drop it, and the job with it: record the failure instead.
    log_->warn("outcome of {} is {} bytes, over the {}-byte limit; recording it as failed",
               outcome.id, body.size(), config_.limits.max_message_bytes);
    const auto result_bytes = std::to_string(outcome.result.msgpack().size());
    const auto limit = std::to_string(config_.limits.max_message_bytes);
    outcome.status = OutcomeStatus::kFailed;
    outcome.error_code = std::string(to_string(ErrorCode::kTooLarge));
    outcome.error =
        outcome.follow_ups.empty()
            ? "the result is " + result_bytes + " bytes, over the " + limit + "-byte message limit"
            : "the result (" + result_bytes + " bytes) and " +
                  count_noun(outcome.follow_ups.size(), "follow-up") + " make an outcome of " +
                  std::to_string(body.size()) + " bytes, over the " + limit +
                  "-byte message limit; no follow-up is created";
    outcome.result = Payload();
    outcome.follow_ups.clear();
    body = encode_outcome_entry(outcome);
  }
  outbox_.push_back(std::move(body));
}

void Worker::flush_outbox() {
  // What finished goes together, as jobs come (common/outcome_batch). PUSH queues toward an
  // absent sink until its high-water mark, then refuses: keep the rest.
  const auto room = outcome_room(config_.limits.max_message_bytes);
  while (!outbox_.empty()) {
    const auto batch = next_outcome_batch(outbox_.begin(), outbox_.end(), room);
    if (!outcomes_out_.send(zmq::buffer(encode_outcomes(batch)), zmq::send_flags::dontwait)) {
      return;
    }
    outbox_.erase(outbox_.begin(), outbox_.begin() + static_cast<std::ptrdiff_t>(batch.size()));
  }
}

void Worker::account_busy_time(const SlotPool& pool) {
  // Busy slots change only in this thread (start, collect), so busy x elapsed is exact.
  const auto now = std::chrono::steady_clock::now();
  busy_slot_time_ += (now - last_accounted_) * static_cast<long>(pool.busy());
  last_accounted_ = now;
}

void Worker::report_handshake_failures() {
  for (auto* watch : {jobs_watch_.get(), outcomes_watch_.get()}) {
    if (watch == nullptr) continue;
    if (auto failure = watch->take_failure()) log_->error("{}", *failure);
  }
}

void Worker::heartbeat(const SlotPool& pool, std::string_view state) {
  // On the jobs channel, for the ventilator: we are alive, and so are the jobs we hold. A full
  // queue means the ventilator is not reading: it will hear the next one.
  // It says whether it takes jobs (`zpipe workers` shows it), and its host:pid when it has
  // another name.
  const auto process = host_and_pid();
  // And that it takes orders from afar (control).
  (void)jobs_in_.send(zmq::buffer(encode(Heartbeat{
                          static_cast<std::uint64_t>(config_.heartbeat.count()), false,
                          config_.name, state == "stopping" ? "draining" : std::string(state),
                          process == config_.name ? "" : process, true})),
                      zmq::send_flags::dontwait);
  // On the event bus, for people.
  account_busy_time(pool);
  const auto now = std::chrono::steady_clock::now();
  const auto elapsed = now - last_heartbeat_;
  const auto capacity = elapsed * static_cast<long>(pool.slots());
  const auto busy_pct = capacity.count() > 0 ? 100 * busy_slot_time_ / capacity : 0;
  busy_slot_time_ = {};
  last_heartbeat_ = now;
  std::map<std::string, std::string> fields{
      {"state", !state.empty() ? std::string(state) : (pool.busy() > 0 ? "busy" : "idle")},
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

}  // namespace zpipe
