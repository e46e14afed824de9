#include "ventilator/ventilator.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/clock.hpp"
#include "common/command_line.hpp"
#include "common/disk_space.hpp"
#include "common/outcome_batch.hpp"
#include "common/process_name.hpp"
#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/receive_message.hpp"

namespace zpipe {
namespace {

constexpr const char* kHubInproc = "inproc://zpipe-event-hub";
constexpr int kMaxEnvelopeFrames = 4;  // identity, optional empty delimiter, body; then refuse
constexpr int kBurst = 1000;           // messages handled per socket per loop turn, for fairness
// How often silent workers are looked for; a lost worker is found within this of its last
// missed heartbeat.
constexpr std::chrono::milliseconds kLinkCheckInterval{100};
// A probe right after a connection closes can reach libzmq before the pipe is torn down: a
// second one follows after this.
constexpr std::chrono::milliseconds kSecondProbe{100};
// How often a commit that found the disk full is tried again.
constexpr std::chrono::milliseconds kCommitRetry{200};

// Short, readable and unique across runs: base36 of the start time in ms.
std::string make_id_prefix() {
  auto ms = unix_ms_now();
  std::string prefix;
  do {
    prefix.insert(prefix.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[ms % 36]);
    ms /= 36;
  } while (ms != 0);
  return prefix;
}

std::map<std::string, std::string> counts_fields(const PipelineCounts& c) {
  return {{"accepted", std::to_string(c.accepted)},
          {"pending", std::to_string(c.pending)},
          {"in_flight", std::to_string(c.in_flight)},
          {"retrying", std::to_string(c.retrying)},
          {"succeeded", std::to_string(c.succeeded)},
          {"failed", std::to_string(c.failed)},
          {"dead", std::to_string(c.dead)}};
}

// Each producer's connection queues at most about kSubmitQueueBytes of requests here: what a
// flood of large or refused requests can hold in memory is that per connection, not 1,000
// messages of up to --max-message-bytes each. A producer waits for each reply anyway.
constexpr std::uint64_t kSubmitQueueBytes = 16 << 20;

SocketOptions submit_socket_options(const VentilatorConfig& config) {
  auto options = config.sockets;
  const auto per_message = std::max<std::uint64_t>(1, config.limits.max_message_bytes);
  options.receive_hwm =
      static_cast<int>(std::clamp<std::uint64_t>(kSubmitQueueBytes / per_message, 4, 1000));
  return options;
}

// The socket to the sink: a connecting one, so no message size limit (see SocketOptions); its
// records wait while the sink is away, and are sent again until acknowledged.
SocketOptions outcome_socket_options(const VentilatorConfig& config) {
  auto options = config.sockets;
  options.max_message_bytes = -1;
  options.linger_ms = 0;  // not sent by a stop: sent again at the next start
  return options;
}

// How often records of cancelled jobs that the sink has not acknowledged are sent again.
constexpr std::chrono::seconds kCancelResend{5};

}  // namespace

Ventilator::Ventilator(VentilatorConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      context_(1),
      submit_in_(make_socket(context_, zmq::socket_type::router, submit_socket_options(config_))),
      jobs_out_(make_socket(context_, zmq::socket_type::router, config_.sockets)),
      acks_in_(make_socket(context_, zmq::socket_type::pull, config_.sockets)),
      outcomes_out_(
          make_socket(context_, zmq::socket_type::push, outcome_socket_options(config_))) {
  // Before any bind: a CURVE server socket must find the context's handler in place.
  if (config_.curve.enabled()) {
    zap_ = std::make_unique<ZapHandler>(context_, config_.curve.trusted, config_.curve.trust_dir,
                                        log_);
  }
  // A send to a worker that has gone fails (EHOSTUNREACH) instead of vanishing: its jobs stay
  // here, pending, and its credit is forgotten.
  jobs_out_.set(zmq::sockopt::router_mandatory, true);
  bind_endpoint(submit_in_, config_.submit_endpoint, "submit", config_.curve);
  bind_endpoint(jobs_out_, config_.jobs_endpoint, "jobs", config_.curve);
  bind_endpoint(acks_in_, config_.acks_endpoint, "acks", config_.curve);
  const std::pair<const char*, const std::string&> endpoints[] = {
      {"submit", config_.submit_endpoint},
      {"jobs", config_.jobs_endpoint},
      {"acks", config_.acks_endpoint},
      {"events-in", config_.events_in_endpoint},
      {"events-out", config_.events_out_endpoint}};
  for (const auto& [role, endpoint] : endpoints) {
    if (auto warning = exposure_warning(endpoint, role, config_.curve)) log_->warn(*warning);
  }
  config_.submit_endpoint = bound_endpoint(submit_in_);
  config_.jobs_endpoint = bound_endpoint(jobs_out_);
  config_.acks_endpoint = bound_endpoint(acks_in_);
  {
    // The sink holds the ventilator's key pair (CurveSetup): a client of it expects that key.
    auto as_client = config_.curve;
    if (as_client.enabled()) as_client.server_key = as_client.own->public_key;
    if (config_.outcomes_endpoint.ends_with(":*")) {
      // A port to be picked is no place to connect to: cancelled jobs that never ran wait
      // here, unrecorded, until a start with the sink's endpoint.
      log_->warn(
          "--outcomes-to {} names no port: jobs cancelled before they run cannot be "
          "recorded at the sink",
          config_.outcomes_endpoint);
    } else {
      connect_endpoint(outcomes_out_, config_.outcomes_endpoint, "outcomes", as_client);
    }
  }
  // After the sockets: a mistyped endpoint must not leave a journal behind.
  if (config_.durability != Durability::kNone) {
    // Two ventilators on one journal would each run the other's jobs: refuse to start.
    data_dir_lock_.emplace(lock_data_dir(config_.data_dir, "ventilator"));
    journal_ = std::make_unique<Journal>(journal_path(config_.data_dir), config_.durability,
                                         config_.limits);
  }
  jobs_.emplace(make_id_prefix(), config_.policy, journal_.get(), unix_ms_now());
  // Without a journal the pipeline is new at each start: so is its identity.
  pipeline_ = journal_ ? journal_->pipeline() : "t" + make_id_prefix();
  const auto where = host_and_pid();
  hub_ = std::make_unique<EventHub>(
      context_, std::vector<std::string>{kHubInproc, config_.events_in_endpoint},
      config_.events_out_endpoint, "event-hub " + where, config_.limits, config_.sockets,
      config_.curve, log_);
  config_.events_in_endpoint = hub_->bound_input();
  config_.events_out_endpoint = hub_->bound_output();
  events_ = std::make_unique<EventPublisher>(context_, kHubInproc, "ventilator " + where);
  refusals_.emplace(log_, events_.get());
  disk_notice_.emplace(log_, events_.get());
  jobs_disconnects_ = std::make_unique<SocketMonitor>(context_, jobs_out_, ZMQ_EVENT_DISCONNECTED);
}

void Ventilator::restore_from_journal() {
  if (!journal_) {
    log_->warn("durability none: jobs are kept in memory only, and a crash loses them");
    return;
  }
  auto live = journal_->load_live();
  auto batches = journal_->load_batches();
  const auto dead_by_type = journal_->count_dead_by_type();
  std::uint64_t dead = 0;
  for (const auto& [type, count] : dead_by_type) dead += count;
  for (const auto& warning : journal_->warnings()) {
    log_->warn("journal {}: {}", journal_path(config_.data_dir).string(), warning);
    events_->publish("journal.damaged", {{"error", warning}});
  }
  log_->info("journal {} ({} durability): {} unfinished jobs, {} dead",
             journal_path(config_.data_dir).string(), to_string(config_.durability), live.size(),
             dead);
  if (!live.empty()) {
    // Outcomes recorded while we were down are acknowledged as soon as the sink reconnects:
    // let those acks in before dispatching, so that their jobs do not run twice.
    dispatch_from_ = std::chrono::steady_clock::now() + config_.recovery_hold;
  }
  if (!batches.empty())
    log_->info(
        "{} batches, {} of them open", batches.size(),
        std::count_if(batches.begin(), batches.end(), [](const auto& b) { return !b.finished(); }));
  jobs_->restore_batches(std::move(batches));
  jobs_->restore(std::move(live), dead_by_type, journal_->load_totals(), unix_ms_now());
}

void Ventilator::restore_settings() {
  for (const auto& spec : config_.limits_at_start) jobs_->limits().set(spec);
  if (!journal_) return;
  for (const auto& [name, value] : journal_->settings()) {
    if (name.starts_with("paused:")) {
      jobs_->set_paused(name.substr(7), true);
      log_->info("queue {} is paused (zpipe resume {})", name.substr(7), name.substr(7));
    } else if (name.starts_with("limit:")) {
      auto spec = parse_limit(value);
      if (!spec.ok()) {
        log_->warn("journal: limit {} cannot be read: {}", value, spec.error().message);
        continue;
      }
      jobs_->limits().set(spec.value());
    } else if (name.starts_with("unlimit:")) {
      // A limit given by a flag and cleared at run time stays cleared.
      if (auto spec = parse_limit(value); spec.ok()) {
        jobs_->limits().clear(spec.value().scope, spec.value().name, spec.value().kind);
      }
    }
  }
  const auto now_ms = unix_ms_now();
  for (const auto& bytes : journal_->schedules()) {
    auto schedule = RecurringSchedules::from_bytes(bytes);
    auto restored = schedule.ok() ? schedules_.restore(std::move(schedule).value(), now_ms)
                                  : Result<Ok>(schedule.error());
    if (!restored.ok()) {
      log_->warn("journal: a recurring job cannot be read: {}", restored.error().message);
    }
  }
}

Ventilator::~Ventilator() {
  events_.reset();
  jobs_disconnects_.reset();
  submit_in_.close();
  jobs_out_.close();
  acks_in_.close();
  outcomes_out_.close();
  hub_.reset();  // shuts the context down
}

int Ventilator::run(const StopFlag& stop) {
  log_->info("submit on {} (ROUTER), jobs on {} (ROUTER), acks on {} (PULL)",
             config_.submit_endpoint, config_.jobs_endpoint, config_.acks_endpoint);
  log_->info("events: components publish to {}, monitors subscribe at {}",
             config_.events_in_endpoint, config_.events_out_endpoint);
  log_->info("{}", config_.curve.describe());
  log_->info("pipeline {}{}", pipeline_, journal_ ? "" : " (a new one at each start: no journal)");
  log_->info("ready");
  events_->publish("component.up", {{"component", "ventilator"}});

  restore_from_journal();
  restore_settings();
  using Clock = std::chrono::steady_clock;
  auto next_snapshot = Clock::now();
  while (!stop.is_stop_requested() && !journal_lost_) {
    const auto now = Clock::now();
    zmq::pollitem_t items[] = {
        {submit_in_.handle(), 0, ZMQ_POLLIN, 0},         {acks_in_.handle(), 0, ZMQ_POLLIN, 0},
        {jobs_out_.handle(), 0, ZMQ_POLLIN, 0},          {nullptr, stop.fd(), ZMQ_POLLIN, 0},
        {jobs_disconnects_->handle(), 0, ZMQ_POLLIN, 0},
    };
    auto until = std::min(next_snapshot, next_link_check_);
    if (probe_again_at_) until = std::min(until, *probe_again_at_);
    {
      // Timers are in Unix ms; translate the distance onto the steady clock.
      const auto unix_now = unix_ms_now();
      auto timer = jobs_->next_timer_ms(unix_now);
      if (const auto schedule = schedules_.next_due_ms();
          schedule && (!timer || *schedule < *timer)) {
        timer = schedule;
      }
      if (timer) {
        until = std::min(
            until, now + std::chrono::milliseconds(*timer > unix_now ? *timer - unix_now : 0));
      }
    }
    if (jobs_->has_pending_cancels()) until = std::min(until, resend_cancels_at_);
    if (now < dispatch_from_ && jobs_->has_pending()) until = std::min(until, dispatch_from_);
    if (dispatch_blocked_) until = std::min(until, now + std::chrono::milliseconds(1));
    if (commit_waits_) until = std::min(until, retry_commit_at_);
    const auto wait = std::max(std::chrono::milliseconds(0),
                               std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
    const auto polled_at = Clock::now();
    poll_sockets(items, std::size(items), wait);
    // Quiet for a millisecond: the next submit reads the disk afresh (a view of it serves only
    // a steady stream; see disk_view_).
    if (Clock::now() - polled_at >= std::chrono::milliseconds(1)) disk_view_.reset();
    if (items[0].revents & ZMQ_POLLIN) handle_submit_socket();
    if (items[1].revents & ZMQ_POLLIN) handle_acks();
    if (items[2].revents & ZMQ_POLLIN) handle_worker_messages();
    if ((items[4].revents & ZMQ_POLLIN) && !jobs_disconnects_->take_events().empty()) {
      probe_workers();
      probe_again_at_ = Clock::now() + kSecondProbe;
    }
    if (probe_again_at_ && Clock::now() >= *probe_again_at_) {
      probe_again_at_.reset();
      probe_workers();
    }
    if (Clock::now() >= next_link_check_) {
      check_worker_links();
      next_link_check_ = Clock::now() + kLinkCheckInterval;
    }
    run_timers();
    if (Clock::now() >= dispatch_from_) dispatch();
    publish_made_jobs();
    jobs_->save_totals();
    commit_and_reply();
    if (!commit_waits_ && !journal_lost_) {
      const bool again = jobs_->has_pending_cancels() && Clock::now() >= resend_cancels_at_;
      send_cancel_records(again);
    }
    if (Clock::now() >= next_snapshot) {
      if (!journal_files_intact()) break;
      check_disk_room();
      publish_state();
      next_snapshot = Clock::now() + config_.snapshot_interval;
    }
  }
  if (!journal_lost_) commit_and_reply();
  if (commit_waits_) {
    log_->warn(
        "the journal never found room for its last commit: the {} submits and changes it held "
        "were not confirmed and are not kept",
        std::count_if(replies_.begin(), replies_.end(), [](const Reply& r) { return r.confirms; }));
  }

  const auto c = jobs_->counts();
  events_->publish("component.down", {{"component", "ventilator"}});
  log_->info(
      "stopping: accepted {}, succeeded {}, failed attempts {}, dead {}, pending {}, in flight "
      "{}, retrying {}; {} taken back from lost workers, {} dispatched again after their time "
      "limit; {} bad inputs refused, {} acks for unknown jobs",
      c.accepted, c.succeeded, c.failed, c.dead, c.pending, c.in_flight, c.retrying, taken_back_,
      overdue_, refusals_->count(), unknown_acks_);
  const auto unfinished = c.pending + c.in_flight + c.retrying;
  if (!journal_files_intact()) {
    log_->critical("the {} unfinished and {} dead jobs it held are lost with it", unfinished,
                   c.dead);
    return kExitFailure;
  }
  if (unfinished > 0) {
    if (journal_) {
      log_->info("{} unfinished jobs stay in the journal for the next start", unfinished);
    } else {
      log_->warn("{} unfinished jobs are lost (durability none)", unfinished);
    }
  }
  return 0;
}

bool Ventilator::journal_files_intact() {
  if (journal_lost_) return false;  // said once already
  if (!journal_) return true;
  auto files = journal_->check_files();
  if (files.ok()) return true;
  log_->critical("{}; stopping: nothing more is confirmed to producers", files.error().message);
  journal_lost_ = true;
  return false;
}

void Ventilator::handle_submit_socket() {
  for (int i = 0; i < kBurst; ++i) {
    // ROUTER prepends the peer's identity. Then comes the body, after an empty delimiter when
    // the peer is a REQ socket: [identity, body] or [identity, "", body]. Anything else is
    // refused, with the refusal sent to the identity alone.
    auto [frames, total] = receive_frames(submit_in_, kMaxEnvelopeFrames);
    if (total == 0) return;
    const bool plain = total == 2;
    const bool delimited = total == 3 && frames[1].size() == 0;
    if (!plain && !delimited) {
      const std::string reason =
          "a request is one body frame (after an optional empty delimiter); got " +
          std::to_string(total - 1) + " frames";
      frames.resize(1);
      refuse_request(frames, 0, make_error(ErrorCode::kMalformed, reason));
      continue;
    }
    handle_request(frames);
  }
}

void Ventilator::commit_and_reply() {
  if (journal_) {
    const auto now = std::chrono::steady_clock::now();
    if (commit_waits_ && now < retry_commit_at_) {
      send_replies(false);
      return;
    }
    // Throws when it cannot for a reason other than room: nothing unjournaled is confirmed.
    if (auto committed = journal_->commit(); !committed.ok()) {
      commit_waits_ = true;
      retry_commit_at_ = now + kCommitRetry;
      disk_notice_->full(committed.error().message +
                         "; replies to producers wait for the commit, new jobs are refused, "
                         "the jobs held still run");
      send_replies(false);
      return;
    }
    commit_waits_ = false;
    uncommitted_bytes_ = 0;
  }
  // Nor anything committed into a file no longer there (checked only when there is something
  // to confirm: this runs at every turn of the loop).
  if (!replies_.empty() && !journal_files_intact()) {
    replies_.clear();
    return;
  }
  send_replies(true);
}

void Ventilator::send_replies(bool confirmed) {
  auto waiting = replies_.begin();
  for (auto& r : replies_) {
    if (r.confirms && !confirmed) {
      *waiting++ = std::move(r);
      continue;
    }
    try {
      for (auto& frame : r.envelope)
        submit_in_.send(frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait);
      // ROUTER drops replies to peers that are gone or full; the producer will time out.
      (void)submit_in_.send(zmq::buffer(r.body), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      if (e.num() != ETERM) log_->warn("cannot reply to producer: {}", e.what());
    }
  }
  replies_.erase(waiting, replies_.end());
}

void Ventilator::handle_request(std::vector<zmq::message_t>& frames) {
  const std::string_view body = frames.back().to_string_view();
  std::vector<zmq::message_t> envelope;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) envelope.push_back(std::move(frames[i]));

  auto decoded = decode(body, config_.limits);
  if (!decoded.ok()) {
    refuse_request(envelope, peek_request_number(body, config_.limits).value_or(0),
                   decoded.error());
    return;
  }
  auto& message = decoded.value();
  if (auto wrong = wrong_pipeline(message)) {
    refuse_request(envelope, peek_request_number(body, config_.limits).value_or(0), *wrong);
    return;
  }
  if (auto* submit = std::get_if<SubmitRequest>(&message)) {
    if (submit->jobs.empty()) {
      refuse_request(envelope, submit->req,
                     make_error(ErrorCode::kInvalid, "a submit needs at least one job"));
      return;
    }
    if (auto problem = check_capacity(*submit)) {
      if (problem->code == ErrorCode::kBusy) {
        refuse_for_now(envelope, submit->req, *problem);
      } else {
        refuse_request(envelope, submit->req, *problem);
      }
      return;
    }
    if (auto problem = jobs_->batch_problem(submit->jobs)) {
      refuse_request(envelope, submit->req, make_error(ErrorCode::kInvalid, *problem));
      return;
    }
    if (auto full = check_disk(body.size())) {
      refuse_for_now(envelope, submit->req, *full);
      return;
    }
    uncommitted_bytes_ += body.size();
    // What job.accepted says of each: its type, and its queue when not the default one (left
    // out, as the workers' job events leave it out).
    // And its batch, when it has one.
    struct Said {
      std::string type, queue, batch;
    };
    std::vector<Said> types_and_queues;
    types_and_queues.reserve(submit->jobs.size());
    for (const auto& spec : submit->jobs) {
      types_and_queues.push_back(
          Said{spec.type, spec.queue == kDefaultQueue ? "" : spec.queue, spec.batch});
    }
    std::vector<std::size_t> added;  // a duplicate unique key's id is no new job: no event
    auto ids = jobs_->accept(std::move(submit->jobs), unix_ms_now(), &added);
    for (const auto i : added) {
      if (!events_->admit_per_job_event("job.accepted")) continue;
      const auto& [type, queue, batch] = types_and_queues[i];
      std::map<std::string, std::string> fields{{"job", ids[i]}, {"type", type}};
      if (!queue.empty()) fields["queue"] = queue;
      if (!batch.empty()) fields["batch"] = batch;
      events_->publish("job.accepted", std::move(fields));
    }
    log_->debug("accepted {} jobs (request {})", ids.size(), submit->req);
    reply(envelope, encode(SubmitAccepted{submit->req, std::move(ids), pipeline_}));
  } else if (std::holds_alternative<BatchOpen>(message) ||
             std::holds_alternative<BatchSeal>(message) ||
             std::holds_alternative<BatchesRequest>(message)) {
    handle_batch_request(envelope, message, body.size());
  } else if (auto* status = std::get_if<StatusRequest>(&message)) {
    StatusReply answer{status->req, jobs_->counts(), hub_->alerts(), pipeline_};
    answer.by_type = jobs_->type_counts();
    answer.other_types = jobs_->other_type_counts();
    answer.types_without_workers = types_without_workers();
    reply(envelope, encode(answer), false);
  } else if (auto* cancel = std::get_if<CancelRequest>(&message)) {
    handle_cancel(envelope, *cancel);
  } else if (auto* run_now = std::get_if<RunNowRequest>(&message)) {
    handle_run_now(envelope, *run_now);
  } else if (auto* control = std::get_if<WorkerControl>(&message)) {
    handle_worker_control(envelope, *control);
  } else if (std::holds_alternative<QueuesRequest>(message) ||
             std::holds_alternative<QueueControl>(message) ||
             std::holds_alternative<LimitControl>(message)) {
    handle_queue_request(envelope, message);
  } else if (auto* scheduled = std::get_if<ScheduledRequest>(&message)) {
    ScheduledReply answer{scheduled->req, {}, 0, pipeline_};
    answer.jobs = jobs_->scheduled(std::min(scheduled->limit, kMaxScheduledListed), answer.total);
    reply(envelope, encode(answer), false);
  } else if (auto* schedule = std::get_if<ScheduleControl>(&message)) {
    handle_schedule_control(envelope, *schedule);
  } else if (auto* workers = std::get_if<WorkersRequest>(&message)) {
    // What the ventilator knows now: it need not wait for a commit.
    reply(
        envelope,
        encode(WorkersReply{
            workers->req, links_.summaries(std::chrono::steady_clock::now(), held_by_), pipeline_}),
        false);
  } else if (auto* dead = std::get_if<DeadJobsRequest>(&message)) {
    handle_dead_jobs(envelope, *dead);
  } else if (auto* query = std::get_if<JobsQuery>(&message)) {
    auto statuses = jobs_->statuses(query->ids);
    for (auto& job : statuses) {
      if (!job.worker.empty()) job.worker = links_.name_of(job.worker);
    }
    // What is told is what the ventilator holds now: it need not wait for a commit.
    reply(envelope, encode(JobStates{query->req, std::move(statuses), pipeline_}), false);
  } else {
    refuse_request(envelope, peek_request_number(body, config_.limits).value_or(0),
                   make_error(ErrorCode::kUnexpectedKind,
                              "the submit socket takes submit, status_request, query, "
                              "workers_request, worker_control, retry, discard, cancel, "
                              "run_now, queues_request, "
                              "queue_control, limit_control, scheduled_request, "
                              "schedule_control, batch_open, batch_seal and batches_request, "
                              "not " +
                                  std::string(kind_name(message))));
  }
}

std::optional<Error> Ventilator::wrong_pipeline(const Message& request) const {
  std::string meant;
  if (const auto* submit = std::get_if<SubmitRequest>(&request)) meant = submit->pipeline;
  if (const auto* dead = std::get_if<DeadJobsRequest>(&request)) meant = dead->pipeline;
  if (const auto* cancel = std::get_if<CancelRequest>(&request)) meant = cancel->pipeline;
  if (const auto* run_now = std::get_if<RunNowRequest>(&request)) meant = run_now->pipeline;
  if (const auto* control = std::get_if<WorkerControl>(&request)) meant = control->pipeline;
  if (const auto* queue = std::get_if<QueueControl>(&request)) meant = queue->pipeline;
  if (const auto* limit = std::get_if<LimitControl>(&request)) meant = limit->pipeline;
  if (const auto* schedule = std::get_if<ScheduleControl>(&request)) meant = schedule->pipeline;
  if (const auto* open = std::get_if<BatchOpen>(&request)) meant = open->pipeline;
  if (const auto* seal = std::get_if<BatchSeal>(&request)) meant = seal->pipeline;
  if (meant.empty() || meant == pipeline_) return std::nullopt;
  return make_error(ErrorCode::kWrongPipeline,
                    "this is pipeline " + pipeline_ + ", not pipeline " + meant +
                        " that the request is meant for: nothing was done");
}

void Ventilator::handle_batch_request(std::vector<zmq::message_t>& envelope, const Message& request,
                                      std::size_t request_bytes) {
  const auto now_ms = unix_ms_now();
  if (const auto* asked = std::get_if<BatchesRequest>(&request)) {
    reply(envelope, encode(BatchesReply{asked->req, jobs_->batch_summaries(*asked), pipeline_}),
          false);
    return;
  }
  if (const auto* open = std::get_if<BatchOpen>(&request)) {
    if (auto full = check_disk(request_bytes)) {
      refuse_for_now(envelope, open->req, *full);
      return;
    }
    const auto id = jobs_->batches().open(*open, now_ms);
    log_->debug("opened batch {} (request {})", id, open->req);
    events_->publish("batch.opened", {{"batch", id}, {"description", open->description}});
    reply(envelope, encode(SubmitAccepted{open->req, {id}, pipeline_}));
    return;
  }
  const auto& seal = std::get<BatchSeal>(request);
  if (auto sealed = jobs_->seal_batch(seal.batch, now_ms); !sealed.ok()) {
    refuse_request(envelope, seal.req, sealed.error());
    return;
  }
  events_->publish("batch.sealed", {{"batch", seal.batch}});
  reply(envelope, encode(SubmitAccepted{seal.req, {seal.batch}, pipeline_}));
}

void Ventilator::publish_made_jobs() {
  for (auto& made : jobs_->take_made()) {
    if (!events_->admit_per_job_event("job.accepted")) continue;
    std::map<std::string, std::string> fields{
        {"job", std::move(made.id)}, {"type", std::move(made.type)}, {"parent", made.parent}};
    if (!made.queue.empty() && made.queue != kDefaultQueue) fields["queue"] = made.queue;
    events_->publish("job.accepted", std::move(fields));
  }
}

void Ventilator::handle_dead_jobs(std::vector<zmq::message_t>& envelope,
                                  const DeadJobsRequest& request) {
  if (!journal_) {
    refuse_request(envelope, request.req,
                   make_error(ErrorCode::kUnavailable,
                              "dead jobs are kept only in the journal, and this ventilator "
                              "runs with --durability none"));
    return;
  }
  const bool retry = request.action == DeadJobsRequest::Action::kRetry;
  auto acted_on =
      retry ? jobs_->revive(request.selection, unix_ms_now()) : jobs_->discard(request.selection);
  if (!acted_on.ok()) {
    log_->error("{}", acted_on.error().message);
    refuse_request(envelope, request.req, acted_on.error());
    return;
  }
  auto& ids = acted_on.value();
  for (const auto& id : ids)
    events_->publish(retry ? "job.revived" : "job.discarded", {{"job", id}});
  log_->info("{} {} dead jobs (request {})", retry ? "requeued" : "discarded", ids.size(),
             request.req);
  reply(envelope, encode(SubmitAccepted{request.req, std::move(ids), pipeline_}));
}

void Ventilator::handle_cancel(std::vector<zmq::message_t>& envelope,
                               const CancelRequest& request) {
  std::vector<CancelAtWorker> at_workers;
  const auto by = request.by.empty() ? std::string("someone") : request.by;
  auto results = jobs_->cancel(request.ids, by, at_workers);
  // Ask each worker once, for all of its jobs.
  std::map<std::string, CancelJobs> asks;
  for (auto& ask : at_workers) {
    auto& message = asks[ask.owner];
    message.by = by;
    message.jobs.push_back(std::move(ask.job));
  }
  for (const auto& [owner, message] : asks) {
    if (send_to_worker(owner, encode(message)) == Delivery::kGone) connection_closed(owner);
  }
  std::size_t cancelled = 0;
  for (const auto& job : results) {
    if (job.result != CancelResult::kCancelled && job.result != CancelResult::kCancelling) {
      continue;
    }
    ++cancelled;
    events_->publish("job.cancelled",
                     {{"job", job.id}, {"by", by}, {"state", std::string(to_string(job.result))}});
  }
  log_->info("{} cancelled {} of {} jobs asked ({} running: their workers were asked to stop them)",
             by, cancelled, results.size(), at_workers.size());
  reply(envelope, encode(CancelReply{request.req, std::move(results), pipeline_}));
}

void Ventilator::handle_run_now(std::vector<zmq::message_t>& envelope,
                                const RunNowRequest& request) {
  auto results = jobs_->run_now(request.ids);
  std::size_t due = 0;
  for (const auto& job : results) {
    if (job.result != RunNowResult::kDue) continue;
    ++due;
    events_->publish("job.run_now", {{"job", job.id}});
  }
  log_->info("{} of {} jobs asked to run now were waiting for a time and are due now (request {})",
             due, results.size(), request.req);
  // After the commit: a restart then finds them due, not waiting for their old time.
  reply(envelope, encode(RunNowReply{request.req, std::move(results), pipeline_}));
}

void Ventilator::handle_worker_control(std::vector<zmq::message_t>& envelope,
                                       const WorkerControl& request) {
  auto target = links_.control_target(request.worker);
  if (!target.ok()) {
    decline(envelope, request.req, target.error());
    return;
  }
  const auto& worker = target.value();
  const auto by = request.by.empty() ? std::string("someone") : request.by;
  const auto action = std::string(to_string(request.action));
  const auto described =
      worker.process.empty() ? worker.name : worker.name + " (" + worker.process + ")";
  switch (send_to_worker(worker.identity, encode(ControlWorker{request.action, by}))) {
    case Delivery::kSent:
      break;
    case Delivery::kGone:
      connection_closed(worker.identity);
      decline(envelope, request.req,
              make_error(ErrorCode::kNotFound, "worker " + described + " has just gone"));
      return;
    case Delivery::kQueueFull:
      decline(envelope, request.req,
              make_error(ErrorCode::kBusy, "worker " + described +
                                               " is not reading what it is sent (its queue is "
                                               "full); try again later"));
      return;
  }
  log_->info("{} asked worker {} to {}", by, described, action);
  std::map<std::string, std::string> fields{
      {"worker", worker.name}, {"action", action}, {"by", by}};
  if (!worker.process.empty()) fields["process"] = worker.process;
  events_->publish("worker.control", std::move(fields));
  // Nothing to journal: the worker keeps its own state.
  reply(envelope,
        encode(WorkerControlReply{request.req, worker.name, worker.process, request.action,
                                  pipeline_}),
        false);
}

QueuesReply Ventilator::queues_reply(std::uint64_t req) const {
  const auto now_ms = unix_ms_now();
  return QueuesReply{req, jobs_->queue_summaries(now_ms), jobs_->limit_summaries(), pipeline_};
}

void Ventilator::handle_queue_request(std::vector<zmq::message_t>& envelope,
                                      const Message& request) {
  if (const auto* queues = std::get_if<QueuesRequest>(&request)) {
    reply(envelope, encode(queues_reply(queues->req)), false);
    return;
  }
  if (const auto* control = std::get_if<QueueControl>(&request)) {
    jobs_->set_paused(control->queue, control->paused);
    if (journal_) journal_->set_setting("paused:" + control->queue, control->paused ? "1" : "");
    log_->info("queue {} {}", control->queue, control->paused ? "paused" : "resumed");
    events_->publish(control->paused ? "queue.paused" : "queue.resumed",
                     {{"queue", control->queue}});
    reply(envelope, encode(queues_reply(control->req)));
    return;
  }
  const auto& control = std::get<LimitControl>(request);
  auto spec = parse_limit(control.limit);
  if (!control.clear) {
    if (!spec.ok()) {
      refuse_request(envelope, control.req, spec.error());
      return;
    }
    jobs_->limits().set(spec.value());
    if (journal_) {
      journal_->set_setting("limit:" + spec.value().text(), spec.value().text());
      journal_->set_setting("unlimit:" + spec.value().text(), "");
    }
    log_->info("limit {} set", spec.value().text());
  } else {
    // "TYPE" or "queue:NAME" clears both kinds; "TYPE=..." one kind.
    std::vector<LimitSpec> cleared;
    for (const auto& held : jobs_->limits().specs()) {
      const auto scope_name = (held.scope == LimitSpec::Scope::kQueue ? "queue:" : "") + held.name;
      if (control.limit == scope_name ||
          (spec.ok() && spec.value().scope == held.scope && spec.value().name == held.name &&
           spec.value().kind == held.kind)) {
        cleared.push_back(held);
      }
    }
    if (cleared.empty()) {
      refuse_request(envelope, control.req,
                     make_error(ErrorCode::kInvalid, "no limit " + control.limit + " is set"));
      return;
    }
    for (const auto& held : cleared) {
      jobs_->limits().clear(held.scope, held.name, held.kind);
      if (journal_) {
        journal_->set_setting("limit:" + held.text(), "");
        journal_->set_setting("unlimit:" + held.text(), held.text());
      }
      log_->info("limit {} cleared", held.text());
    }
  }
  reply(envelope, encode(queues_reply(control.req)));
}

void Ventilator::handle_schedule_control(std::vector<zmq::message_t>& envelope,
                                         const ScheduleControl& request) {
  switch (request.action) {
    case ScheduleControl::Action::kList:
      reply(envelope, encode(SchedulesReply{request.req, schedules_.list(), pipeline_}), false);
      return;
    case ScheduleControl::Action::kAdd: {
      auto added = schedules_.add(request.schedule, unix_ms_now());
      if (!added.ok()) {
        refuse_request(envelope, request.req, added.error());
        return;
      }
      if (journal_) {
        journal_->save_schedule(
            request.schedule.name,
            RecurringSchedules::to_bytes(*schedules_.find(request.schedule.name)));
      }
      log_->info("recurring job {} added", request.schedule.name);
      break;
    }
    case ScheduleControl::Action::kRemove:
      if (!schedules_.remove(request.schedule.name)) {
        refuse_request(
            envelope, request.req,
            make_error(ErrorCode::kInvalid, "no recurring job is named " + request.schedule.name));
        return;
      }
      if (journal_) journal_->save_schedule(request.schedule.name, "");
      log_->info("recurring job {} removed", request.schedule.name);
      break;
  }
  reply(envelope, encode(SchedulesReply{request.req, schedules_.list(), pipeline_}));
}

void Ventilator::fire_schedules(std::uint64_t now_ms) {
  for (const auto& name : schedules_.due(now_ms)) {
    const auto* schedule = schedules_.find(name);
    auto ids = jobs_->accept({schedule->job}, now_ms);
    schedules_.fired(name, ids.front(), now_ms);
    if (journal_)
      journal_->save_schedule(name, RecurringSchedules::to_bytes(*schedules_.find(name)));
    log_->info("recurring job {} submitted job {}", name, ids.front());
    events_->publish("schedule.fired", {{"schedule", name}, {"job", ids.front()}});
  }
}

void Ventilator::send_cancel_records(bool again) {
  auto records = jobs_->take_cancel_records(again);
  if (!again && records.empty()) return;
  // Whatever the sink has not acknowledged by then goes again.
  resend_cancels_at_ = std::chrono::steady_clock::now() + kCancelResend;
  if (records.empty()) return;
  const auto now_ms = unix_ms_now();
  const auto room = outcome_room(config_.limits.max_message_bytes);
  std::vector<std::string> entries;
  entries.reserve(records.size());
  for (auto& r : records) {
    Outcome o;
    o.id = r.id;
    o.type = r.type;
    o.attempt = r.attempt;
    o.max_attempts = r.max_attempts;
    o.status = OutcomeStatus::kCancelled;
    o.error_code = "cancelled";
    o.error = "cancelled by " + r.by;
    o.worker = "ventilator";
    o.created_ms = r.created_ms;
    o.finished_ms = now_ms;
    o.queue = r.queue == kDefaultQueue ? "" : r.queue;
    // As a worker sends it back, so that `zpipe show` says what the job was asked to do; its
    // size alone when a message could not hold it.
    keep_job_payload(
        o, r.payload_row != 0 ? journal_->payload_of(r.payload_row) : std::move(r.payload));
    entries.push_back(
        encode_outcome_entry_within(o, config_.limits.max_message_bytes - kOutcomesEnvelopeBytes));
  }
  // In messages as workers send theirs (common/outcome_batch).
  for (auto next = entries.begin(); next != entries.end();) {
    const auto batch = next_outcome_batch(next, entries.end(), room);
    next += static_cast<std::ptrdiff_t>(batch.size());
    // The sink away: they go again in kCancelResend.
    if (!outcomes_out_.send(zmq::buffer(encode_outcomes(batch)), zmq::send_flags::dontwait)) return;
  }
}

std::vector<std::string> Ventilator::types_without_workers() const {
  std::vector<std::string> types;
  for (const auto& [type, waiting] : jobs_->waiting_types()) {
    if (!links_.any_handles(type)) types.push_back(type);
  }
  return types;
}

std::optional<Error> Ventilator::check_capacity(const SubmitRequest& submit) const {
  const auto limit = config_.limits.max_message_bytes;
  for (std::size_t i = 0; i < submit.jobs.size(); ++i) {
    const auto& spec = submit.jobs[i];
    if (spec.payload.msgpack().size() + spec.type.size() + kJobEnvelopeBytes > limit) {
      return make_error(
          ErrorCode::kTooLarge,
          "job " + std::to_string(i) + " has a payload of " +
              std::to_string(spec.payload.msgpack().size()) + " bytes; at most " +
              std::to_string(limit - std::min(limit, kJobEnvelopeBytes + spec.type.size())) +
              " fit in the " + std::to_string(limit) + "-byte message limit");
    }
  }
  const auto counts = jobs_->counts();
  const auto backlog = counts.pending + counts.retrying;
  // Checked before the request, not with it: a batch larger than the limit could otherwise
  // never go in, and its producer would wait for ever.
  if (backlog >= config_.max_backlog) {
    return make_error(ErrorCode::kBusy,
                      "the backlog is full (" + std::to_string(backlog) + " jobs waiting, limit " +
                          std::to_string(config_.max_backlog) + "); try again later");
  }
  if (jobs_->memory_bytes() >= config_.max_backlog_bytes) {
    return make_error(ErrorCode::kBusy,
                      "the backlog is full (its jobs take " + mebibytes(jobs_->memory_bytes()) +
                          " of memory, limit " + mebibytes(config_.max_backlog_bytes) +
                          ", --max-backlog-bytes); try again later");
  }
  return std::nullopt;
}

std::optional<Error> Ventilator::check_disk(std::size_t request_bytes) {
  if (!journal_) return std::nullopt;
  if (!commit_waits_) {
    if (!disk_view_ || std::chrono::steady_clock::now() - disk_view_->read_at >= kDiskViewAge ||
        too_full_for(*disk_view_, request_bytes)) {
      disk_view_ = read_disk_view();
    }
    if (!too_full_for(*disk_view_, request_bytes)) {
      disk_view_->accepted_since += request_bytes;
      return std::nullopt;
    }
  }
  const auto why =
      disk_full_reason(commit_waits_ ? disk_space_of(config_.data_dir) : disk_view_->space);
  disk_notice_->full(why);
  return make_error(ErrorCode::kDiskFull, why);
}

Ventilator::DiskView Ventilator::read_disk_view() {
  return DiskView{disk_space_of(config_.data_dir), journal_->reusable_bytes(),
                  std::chrono::steady_clock::now(), 0};
}

bool Ventilator::too_full_for(const DiskView& view, std::size_t request_bytes) {
  const auto& space = view.space;
  if (!space) return false;  // the filesystem cannot be asked: nothing is refused for it
  // A job's bytes are written about four times over for a while: its row and its copy in the
  // journal's log, each rounded up to pages. Pages that finished jobs freed in the journal take
  // new rows first; the rest comes out of the free space, of which the reserve stays free.
  // What the view let through since it was read may be committed by now: counted too.
  const auto needed = 4 * (uncommitted_bytes_ + view.accepted_since + request_bytes);
  const auto outside = needed - std::min<std::uint64_t>(needed, view.reusable_bytes);
  // Short of room, the journal's log is kept short, and the room it may still take while the
  // jobs held finish is not the sink's reserve.
  journal_->keep_log_short(space->free_bytes < 2 * space->reserve_bytes());
  return space->too_full_for(outside + journal_->log_growth_bytes());
}

std::string Ventilator::disk_full_reason(const std::optional<DiskSpace>& space) const {
  std::string why = "the ventilator's disk is full";
  if (space) {
    why += " (" + mebibytes(space->free_bytes) + " free in " + config_.data_dir.string() +
           "; it keeps " + mebibytes(space->reserve_bytes()) + " free to record the jobs it holds)";
  }
  return why + ": new jobs are refused until there is room; jobs already accepted still run";
}

void Ventilator::check_disk_room() {
  if (!journal_ || !disk_notice_->is_full() || commit_waits_) return;
  // Said again while it lasts (every few seconds at most), submits or not: `zpipe status`
  // keeps showing it.
  disk_view_ = read_disk_view();
  if (too_full_for(*disk_view_, 0)) {
    disk_notice_->full(disk_full_reason(disk_view_->space));
  } else {
    disk_notice_->room();
  }
}

void Ventilator::refuse_request(std::vector<zmq::message_t>& envelope, std::uint64_t req,
                                const Error& error) {
  refusals_->refuse("submit", error);
  reply(envelope,
        encode(SubmitRefused{req, std::string(to_string(error.code)), error.message, pipeline_}),
        false);
}

void Ventilator::refuse_for_now(std::vector<zmq::message_t>& envelope, std::uint64_t req,
                                const Error& error) {
  decline(envelope, req, error);
}

void Ventilator::decline(std::vector<zmq::message_t>& envelope, std::uint64_t req,
                         const Error& error) {
  reply(envelope,
        encode(SubmitRefused{req, std::string(to_string(error.code)), error.message, pipeline_}),
        false);
}

void Ventilator::reply(std::vector<zmq::message_t>& envelope, std::string body, bool confirms) {
  replies_.push_back(Reply{std::move(envelope), std::move(body), confirms});
}

void Ventilator::handle_acks() {
  for (int i = 0; i < kBurst; ++i) {
    auto received = receive_message<AckBatch>(acks_in_, config_.limits, "acks");
    if (!received) return;
    if (!received->ok()) {
      refusals_->refuse("acks", received->error());
      continue;
    }
    const auto now_ms = unix_ms_now();
    recording_lag_.note(received->value().lag_ms, now_ms);
    jobs_->allow_recording_lag(recording_lag_.ms());
    for (const auto& ack : received->value().acks) {
      publish_ack_effect(ack, jobs_->on_recorded(ack, now_ms));
    }
  }
}

void Ventilator::publish_ack_effect(const Ack& ack, AckEffect effect) {
  switch (effect) {
    case AckEffect::kUnknown:
      ++unknown_acks_;
      return;
    case AckEffect::kStale:
    case AckEffect::kSucceeded:
    case AckEffect::kCancelled:
      return;
    case AckEffect::kDead:
      events_->publish("job.dead", {{"job", ack.id}, {"attempt", std::to_string(ack.attempt)}});
      return;
    case AckEffect::kRetryScheduled:
      events_->publish("job.retry_scheduled",
                       {{"job", ack.id}, {"attempt", std::to_string(ack.attempt + 1)}});
      return;
  }
}

void Ventilator::check_worker_links() {
  for (const auto& silent : links_.take_silent(std::chrono::steady_clock::now(), held_by_)) {
    take_back_from(silent.identity, silent.name,
                   "no heartbeat for " + std::to_string(silent.silent.count()) + " ms", true);
  }
}

void Ventilator::probe_workers() {
  const auto probe = encode(Heartbeat{});
  for (const auto& identity : links_.identities()) {
    if (send_to_worker(identity, probe) == Delivery::kGone) connection_closed(identity);
  }
}

void Ventilator::take_back_from(const std::string& identity, const std::string& name,
                                const std::string& why, bool silent) {
  links_.drop(identity);
  const auto taken = jobs_->take_back_from(identity);
  taken_back_ += taken.size();
  if (taken.empty() && !silent) {
    log_->info("worker {} left", name);  // its connection closed, and it held nothing
    return;
  }
  events_->publish(
      "worker.vanished",
      {{"worker", name}, {"reason", why}, {"taken_back", std::to_string(taken.size())}});
  log_->warn("worker {} vanished ({}): the {} jobs it held go out again now", name, why,
             taken.size());
  for (const auto& id : taken) {
    events_->publish("job.redispatched", {{"job", id}, {"reason", "its worker vanished"}});
  }
}

void Ventilator::run_timers() {
  const auto now_ms = unix_ms_now();
  jobs_->promote_due(now_ms);
  fire_schedules(now_ms);
  const auto overdue = jobs_->redispatch_overdue(now_ms);
  if (overdue.empty()) return;
  overdue_ += overdue.size();
  // Many at once means a worker died or stalled with them; one line says so.
  log_->warn(
      "{} jobs had no outcome within their time limit plus {} ms{} and go out again (first: "
      "{})",
      overdue.size(), config_.policy.redispatch_grace_ms,
      recording_lag_.ms() > 0
          ? " and the sink's recording lag of " + std::to_string(recording_lag_.ms()) + " ms"
          : "",
      overdue.front());
  for (const auto& id : overdue) {
    events_->publish("job.redispatched", {{"job", id}, {"reason", "no outcome in time"}});
  }
}

void Ventilator::handle_worker_messages() {
  for (int i = 0; i < kBurst; ++i) {
    // [identity, body] from a worker's DEALER; anything else is refused.
    const auto [frames, total] = receive_frames(jobs_out_, 2);
    if (total == 0) return;
    if (total != 2) {
      refusals_->refuse("jobs",
                        make_error(ErrorCode::kMalformed,
                                   "a worker's message on the jobs socket is one frame; got " +
                                       std::to_string(total - 1)));
      continue;
    }
    auto decoded = decode(frames[1].to_string_view(), config_.limits);
    if (!decoded.ok()) {
      refusals_->refuse("jobs", decoded.error());
      continue;
    }
    auto& message = decoded.value();
    if (!std::holds_alternative<Credit>(message) && !std::holds_alternative<Heartbeat>(message) &&
        !std::holds_alternative<Release>(message)) {
      refusals_->refuse("jobs",
                        make_error(ErrorCode::kUnexpectedKind,
                                   "the jobs socket takes ready, heartbeat and release, not " +
                                       std::string(kind_name(message))));
      continue;
    }
    const auto identity = frames[0].to_string();
    // A worker we do not know (new, or forgotten as lost) holds no credit here. Unless it says
    // its whole room now, ask it to.
    const bool unknown = links_.heard(identity, std::chrono::steady_clock::now());
    bool says_room = false;
    if (const auto* credit = std::get_if<Credit>(&message)) {
      says_room = credit->reset;
      links_.apply(identity, unknown && !credit->reset
                                 ? Credit{0, true, credit->worker, credit->slots}
                                 : *credit);
      log_->debug("worker {} asks for {} jobs", links_.name_of(identity), credit->credit);
    } else if (const auto* heartbeat = std::get_if<Heartbeat>(&message)) {
      links_.on_heartbeat(identity, *heartbeat);
    } else {
      handle_release(identity, std::get<Release>(message));
    }
    if (unknown) {
      log_->info("worker {} connected", links_.name_of(identity));
      if (!says_room) send_resync(identity);
    }
  }
}

void Ventilator::handle_release(const std::string& identity, const Release& release) {
  std::size_t back = 0;
  for (const auto& job : release.jobs) back += jobs_->give_back(identity, job) ? 1 : 0;
  log_->debug("worker {} gave back {} jobs ({} of them still its own to give): {}",
              links_.name_of(identity), release.jobs.size(), back, release.reason);
}

void Ventilator::send_resync(const std::string& identity) {
  if (send_to_worker(identity, encode(Heartbeat{0, true, ""})) == Delivery::kGone) {
    connection_closed(identity);
  }
}

void Ventilator::connection_closed(const std::string& identity) {
  take_back_from(identity, links_.name_of(identity), "its connection closed", false);
}

Ventilator::Delivery Ventilator::send_to_worker(const std::string& identity,
                                                std::string_view body) {
  try {
    // ROUTER refuses the identity frame when the worker's queue is full; once it is taken,
    // the body goes too.
    if (!jobs_out_.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait)
             .has_value()) {
      return Delivery::kQueueFull;
    }
    (void)jobs_out_.send(zmq::buffer(body), zmq::send_flags::dontwait);
    return Delivery::kSent;
  } catch (const zmq::error_t& e) {
    if (e.num() != EHOSTUNREACH) throw;
    return Delivery::kGone;
  }
}

void Ventilator::dispatch() {
  dispatch_blocked_ = false;
  const auto now_ms = unix_ms_now();
  // Workers in turn; a whole round in which none could take a job (their types, queues or the
  // limits) ends it.
  std::size_t idle_in_a_row = 0;
  for (int sent = 0; sent < kBurst && jobs_->has_pending() && idle_in_a_row < links_.size();) {
    const auto identity = links_.next(held_by_);
    if (!identity) return;
    const auto outcome =
        dispatch_to(*identity, links_.sendable(*identity, jobs_->held_by(*identity)), now_ms);
    if (outcome == DispatchResult::kBlocked) {
      dispatch_blocked_ = true;
      return;
    }
    idle_in_a_row = outcome == DispatchResult::kNothing ? idle_in_a_row + 1 : 0;
    ++sent;
  }
}

Ventilator::DispatchResult Ventilator::dispatch_to(const std::string& identity, std::uint64_t limit,
                                                   std::uint64_t now_ms) {
  // As many as the worker asked for, up to a message's worth; they count as in flight now, and
  // go back to the front of the queue if the send fails.
  JobBatch batch;
  std::vector<std::string> ids;
  std::size_t bytes = 0;
  const auto max = std::min<std::uint64_t>(limit, config_.max_jobs_per_message);
  const auto& route = links_.route_of(identity);
  while (batch.jobs.size() < max) {
    const auto* next = jobs_->next_for(route, now_ms);
    if (next == nullptr) break;
    const auto& job = *next;
    const auto size = job.payload.msgpack().size() + job.type.size() + kJobEnvelopeBytes;
    if (!batch.jobs.empty() && bytes + size > config_.limits.max_message_bytes) break;
    bytes += size;
    batch.jobs.push_back(job);
    ids.push_back(job.id);
    jobs_->mark_dispatched(now_ms, identity);
  }
  if (batch.jobs.empty()) return DispatchResult::kNothing;
  const auto body = batch.jobs.size() == 1 ? encode(batch.jobs.front()) : encode(batch);
  const auto delivery = send_to_worker(identity, body);
  if (delivery != Delivery::kSent) {
    jobs_->undo_dispatch(ids);  // never delivered: first in line again
    // Gone since it asked: its credit goes with it, and what it held comes back. Full: later.
    if (delivery == Delivery::kGone) connection_closed(identity);
    return delivery == Delivery::kGone ? DispatchResult::kSent : DispatchResult::kBlocked;
  }
  links_.take(identity, batch.jobs.size(), std::chrono::steady_clock::now());
  return DispatchResult::kSent;
}

void Ventilator::publish_state() {
  const auto counts = jobs_->counts();
  auto fields = counts_fields(counts);
  fields["accepted_per_s"] = std::to_string(accepted_rate_.per_second(counts.accepted));
  fields["recording_lag_ms"] = std::to_string(recording_lag_.ms());
  events_->publish("ventilator.state", std::move(fields));
}

}  // namespace zpipe
