#include "ventilator/job_table.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/follow_ups.hpp"

namespace zpipe {

using Stage = TypeTally::Stage;

JobTable::JobTable(std::string id_prefix, JobPolicy policy, Journal* journal, std::uint64_t seed)
    : id_prefix_(std::move(id_prefix)),
      policy_(std::move(policy)),
      journal_(journal),
      random_(seed),
      batches_(journal, id_prefix_) {}

std::uint64_t JobTable::memory_cost(const TrackedJob& t) {
  // A payload kept in the journal counts as the nil it is between sends.
  const auto payload =
      t.payload_in_journal ? Payload().msgpack().size() : t.job.payload.msgpack().size();
  return kTrackedJobBytes + t.job.id.size() + payload;  // its type's name is shared
}

void JobTable::keep(TrackedJob& t) {
  if (journal_ != nullptr && t.job.payload.msgpack().size() > kPayloadKeptInMemory) {
    t.job.payload.clear();
    t.payload_in_journal = true;
  }
  memory_bytes_ += memory_cost(t);
}

void JobTable::restore(std::vector<RestoredJob> live,
                       const std::map<std::string, std::uint64_t>& dead_by_type,
                       const PipelineCounts& totals, std::uint64_t now_ms) {
  finished_.accepted = totals.accepted;
  finished_.succeeded = totals.succeeded;
  finished_.failed = totals.failed;
  finished_.cancelled = totals.cancelled;
  for (auto& r : live) {
    auto& t = r.tracked;
    keep(t);
    if (!r.unique_key.empty()) {
      unique_ids_.insert_or_assign(r.unique_key, t.job.id);
      unique_keys_.insert_or_assign(t.job.id, r.unique_key);
    }
    if (!r.cancelled_by.empty()) {
      hold_cancelled(std::move(t), r.cancelled_by);
      continue;
    }
    if (is_delayed(t) && t.due_ms > now_ms) {
      // Never due yet, so never sent: no outcome of it can have been recorded.
      add_timed(std::move(t));
      continue;
    }
    maybe_recorded_.insert(t.job.id);
    if (!is_delayed(t) && t.due_ms > 0) {
      add_timed(std::move(t));
    } else {
      t.due_ms = 0;  // a delayed job due while we were down: it may have run before
      by_type_.add(t.job.type, Stage::kPending);
      ready_.push_back(std::move(t));
    }
  }
  finished_.dead = 0;
  for (const auto& [type, dead] : dead_by_type) {
    by_type_.add(type, Stage::kDead, dead);
    finished_.dead += dead;
  }
  saved_totals_ = finished_;
}

void JobTable::add_timed(TrackedJob t) {
  start_waiting(t);
  if (is_delayed(t)) {
    delayed_.push(std::move(t));
    return;
  }
  retry_due_.emplace(t.due_ms, t.job.id);
  auto id = t.job.id;
  const auto [it, added] = retrying_.try_emplace(std::move(id));
  if (!added) stop_waiting(it->second);
  it->second = std::move(t);
}

void JobTable::start_waiting(const TrackedJob& t) {
  by_type_.add(t.job.type, Stage::kRetrying);
  ++waiting_in_queue_[t.job.queue];
}

void JobTable::stop_waiting(const TrackedJob& t) {
  by_type_.remove(t.job.type, Stage::kRetrying);
  const auto found = waiting_in_queue_.find(t.job.queue.str());
  if (found != waiting_in_queue_.end() && --found->second == 0) waiting_in_queue_.erase(found);
}

void JobTable::make_ready_after_wait(TrackedJob t) {
  t.due_ms = 0;
  if (journal_ != nullptr) journal_->reschedule(t.journal_row, t.job.attempt, 0);
  stop_waiting(t);
  by_type_.add(t.job.type, Stage::kPending);
  ready_.push_back(std::move(t));
}

std::vector<std::string> JobTable::accept(std::vector<JobSpec> specs, std::uint64_t now_ms,
                                          std::vector<std::size_t>* added_at) {
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (auto& spec : specs) {
    bool added = false;
    ids.push_back(
        add(std::move(spec), id_prefix_ + "-" + std::to_string(next_seq_++), {}, now_ms, &added));
    if (added && added_at != nullptr) added_at->push_back(ids.size() - 1);
  }
  return ids;
}

std::string JobTable::add(JobSpec spec, std::string id, std::string parent, std::uint64_t now_ms,
                          bool* added) {
  if (!spec.unique_key.empty()) {
    if (const auto live = unique_ids_.find(spec.unique_key); live != unique_ids_.end()) {
      return live->second;
    }
  }
  TrackedJob t;
  auto& job = t.job;
  job.id = std::move(id);
  job.type = SharedName(spec.type);
  job.payload = std::move(spec.payload);
  job.attempt = 1;
  job.max_attempts =
      spec.max_attempts != 0 ? spec.max_attempts : policy_.max_attempts_for(job.type);
  job.timeout_ms = spec.timeout_ms != 0 ? spec.timeout_ms : policy_.timeout_ms;
  job.created_ms = now_ms;
  if (!spec.queue.empty()) job.queue = SharedName(spec.queue);
  if (parent.empty() && spec.then.empty() && spec.on_failure.empty() && !spec.batch.empty()) {
    // A batch's plain jobs share their links: one allocation per batch, not per job.
    if (!batch_links_ || batch_links_->batch != spec.batch) {
      batch_links_ = std::make_shared<const JobLinks>(JobLinks{{}, spec.batch, {}, {}});
    }
    job.links = batch_links_;
  } else if (!parent.empty() || !spec.batch.empty() || !spec.then.empty() ||
             !spec.on_failure.empty()) {
    job.links = std::make_shared<const JobLinks>(
        JobLinks{std::move(parent), spec.batch, std::move(spec.then), std::move(spec.on_failure)});
  }
  if (!spec.batch.empty()) batches_.joined(spec.batch);
  t.priority = spec.priority;
  t.attempts_per_round = job.max_attempts;
  t.due_ms = spec.run_at_ms > now_ms ? spec.run_at_ms : 0;
  if (journal_ != nullptr) t.journal_row = journal_->add(t, spec.unique_key);
  keep(t);
  if (added != nullptr) *added = true;
  ++finished_.accepted;
  auto given = job.id;
  if (!spec.unique_key.empty()) {
    unique_ids_.emplace(spec.unique_key, job.id);
    unique_keys_.emplace(job.id, std::move(spec.unique_key));
  }
  if (t.due_ms > 0) {
    add_timed(std::move(t));
  } else {
    by_type_.add(job.type, Stage::kPending);
    ready_.push_back(std::move(t));
  }
  return given;
}

std::optional<std::string> JobTable::batch_problem(const std::vector<JobSpec>& specs) const {
  for (const auto& spec : specs) {
    if (spec.batch.empty()) continue;
    if (auto problem = batches_.join_problem(spec.batch)) return problem;
  }
  return std::nullopt;
}

Result<Ok> JobTable::seal_batch(const std::string& id, std::uint64_t now_ms) {
  auto sealed = batches_.seal(id, now_ms);
  if (sealed.ok()) make_callbacks_due(now_ms);  // when its jobs had all ended
  return sealed;
}

std::vector<BatchSummary> JobTable::batch_summaries(const BatchesRequest& request) const {
  std::map<std::string, std::uint64_t> running;
  for (const auto& [id, f] : in_flight_) {
    if (const auto& batch = f.job.job.batch(); !batch.empty()) ++running[batch];
  }
  return batches_.summaries(request.ids, std::min(request.limit, kMaxBatchesListed), running);
}

bool JobTable::has_pending() {
  if (!finished_while_pending_.empty()) {
    // One pass over the ready jobs for all of them: it happens after a restart or a worker
    // lost, not per job.
    auto settled = ready_.take_if(
        [this](const TrackedJob& t) { return finished_while_pending_.contains(t.job.id); });
    for (auto& t : settled) {
      by_type_.remove(t.job.type, Stage::kPending);
      const auto& settled_by = finished_while_pending_.at(t.job.id);
      finish(t, settled_by.ack, settled_by.now_ms);
    }
    finished_while_pending_.clear();  // any other is no longer ready: nothing to settle
  }
  return !ready_.empty();
}

const Job* JobTable::next_for(const WorkerRoute& route, std::uint64_t now_ms) {
  ReadyQueues::MayStart may_start;
  if (!limits_.empty()) {
    may_start = [this, now_ms](const std::string& type, const std::string& queue) {
      return limits_.may_start(type, queue, now_ms);
    };
  }
  while (true) {
    auto* t = ready_.peek(route, may_start, random_);
    if (t == nullptr) return nullptr;
    if (!finished_while_pending_.empty()) {
      // Restored or taken back, and recorded meanwhile: settled here instead of run again.
      if (const auto found = finished_while_pending_.find(t->job.id);
          found != finished_while_pending_.end()) {
        auto job = ready_.take();
        by_type_.remove(job.job.type, Stage::kPending);
        finish(job, found->second.ack, found->second.now_ms);
        finished_while_pending_.erase(found);
        continue;
      }
    }
    t->job.copy_to(sending_);
    // Read back for the send only.
    if (t->payload_in_journal) sending_.payload = journal_->payload_of(t->journal_row);
    return &sending_;
  }
}

void JobTable::mark_dispatched(std::uint64_t now_ms, const std::string& owner) {
  auto t = ready_.take();
  by_type_.move(t.job.type, Stage::kPending, Stage::kInFlight);
  limits_.started(t.job.type, t.job.queue, now_ms);
  const bool maybe_recorded = !maybe_recorded_.empty() && maybe_recorded_.erase(t.job.id) > 0;
  const auto deadline = now_ms + t.job.timeout_ms + policy_.redispatch_grace_ms;
  if (deadlines_.size() > 2 * in_flight_.size() + kStaleTimersKept) drop_stale_deadlines();
  deadlines_.emplace(deadline, t.job.id);
  auto id = t.job.id;
  // A default entry first costs little: its queue name `default` takes no lock.
  const auto [it, added] = in_flight_.try_emplace(std::move(id));
  if (!added) {
    forget_holder(it->second.owner);
    limits_.finished(it->second.job.job.type, it->second.job.job.queue);
    by_type_.remove(it->second.job.job.type, Stage::kInFlight);
  }
  it->second = InFlight{std::move(t), deadline, owner, maybe_recorded};
  ++held_[owner];
}

void JobTable::drop_stale_deadlines() {
  std::vector<Timer> current;
  current.reserve(in_flight_.size());
  for (const auto& [id, f] : in_flight_) current.emplace_back(f.deadline_ms, id);
  deadlines_ = decltype(deadlines_)(std::greater<>{}, std::move(current));
}

void JobTable::forget_holder(const std::string& owner) {
  const auto held = held_.find(owner);
  if (held != held_.end() && --held->second == 0) held_.erase(held);
}

JobTable::InFlightMap::iterator JobTable::erase_in_flight(InFlightMap::iterator it) {
  forget_holder(it->second.owner);
  limits_.finished(it->second.job.job.type, it->second.job.job.queue);
  return in_flight_.erase(it);
}

void JobTable::promote_due(std::uint64_t now_ms) {
  while (auto due = delayed_.pop_due(now_ms)) make_ready_after_wait(std::move(*due));
  while (!retry_due_.empty() && retry_due_.top().first <= now_ms) {
    const auto found = retrying_.find(retry_due_.top().second);
    const bool current = found != retrying_.end() && found->second.due_ms == retry_due_.top().first;
    retry_due_.pop();
    if (!current) continue;
    make_ready_after_wait(std::move(found->second));
    retrying_.erase(found);
  }
}

std::vector<std::string> JobTable::redispatch_overdue(std::uint64_t now_ms) {
  std::vector<std::string> overdue;
  while (!deadlines_.empty() && deadlines_.top().first + recording_lag_ms_ <= now_ms) {
    const auto found = in_flight_.find(deadlines_.top().second);
    const bool current =
        found != in_flight_.end() && found->second.deadline_ms == deadlines_.top().first;
    deadlines_.pop();
    if (!current) continue;
    overdue.push_back(found->first);
    // First in line: it has waited longest already. Its outcome may still come.
    requeue_front(found, true);
  }
  return overdue;
}

std::vector<std::string> JobTable::take_back_from(const std::string& owner) {
  std::vector<std::string> taken;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->second.owner != owner) {
      ++it;
      continue;
    }
    taken.push_back(it->first);
    // Its outcome may be on its way: a worker that finished a job and then went.
    it = requeue_front(it, true);
  }
  return taken;
}

bool JobTable::give_back(const std::string& owner, const ReleasedJob& job) {
  const auto found = in_flight_.find(job.id);
  if (found == in_flight_.end() || found->second.owner != owner ||
      found->second.job.job.attempt != job.attempt) {
    return false;
  }
  requeue_front(found, false);  // not started: no outcome of this delivery will come
  return true;
}

void JobTable::undo_dispatch(const std::vector<std::string>& ids) {
  // In reverse, so that they stand in front in the order they were taken.
  for (auto id = ids.rbegin(); id != ids.rend(); ++id) {
    const auto found = in_flight_.find(*id);
    if (found != in_flight_.end()) requeue_front(found, false);  // never delivered
  }
}

JobTable::InFlightMap::iterator JobTable::requeue_front(InFlightMap::iterator it,
                                                        bool outcome_may_come) {
  if (!it->second.cancel_by.empty()) {
    // Asked to stop, and its worker went or gave it back: it is not run again; its record
    // comes from here (a cancelled outcome from the worker, if one comes, is the same).
    by_type_.remove(it->second.job.job.type, Stage::kInFlight);
    auto by = std::move(it->second.cancel_by);
    auto job = std::move(it->second.job);
    const auto next = erase_in_flight(it);
    hold_cancelled(std::move(job), by);
    return next;
  }
  if (outcome_may_come || it->second.maybe_recorded) maybe_recorded_.insert(it->first);
  by_type_.move(it->second.job.job.type, Stage::kInFlight, Stage::kPending);
  auto job = std::move(it->second.job);
  const auto next = erase_in_flight(it);
  ready_.push_front(std::move(job));
  return next;
}

std::size_t JobTable::held_by(const std::string& owner) const {
  const auto held = held_.find(owner);
  return held == held_.end() ? 0 : held->second;
}

std::optional<std::uint64_t> JobTable::next_timer_ms(std::uint64_t now_ms) const {
  std::optional<std::uint64_t> next;
  const auto consider = [&next](std::uint64_t at) {
    if (!next || at < *next) next = at;
  };
  if (!deadlines_.empty()) consider(deadlines_.top().first + recording_lag_ms_);
  if (!retry_due_.empty()) consider(retry_due_.top().first);
  if (const auto delayed = delayed_.next_due_ms()) consider(*delayed);
  if (!ready_.empty() && !limits_.empty()) {
    if (const auto allowed = limits_.next_allowed_ms(now_ms)) consider(*allowed);
  }
  return next;
}

AckEffect JobTable::on_recorded(const Ack& ack, std::uint64_t now_ms) {
  const auto in_flight = in_flight_.find(ack.id);
  if (ack.status == OutcomeStatus::kFailed && !ack.duplicate) ++finished_.failed;
  // A failure of an earlier attempt cannot end the job: a later one is under way.
  const auto stale_failure = [&](const TrackedJob& t) {
    return ack.status == OutcomeStatus::kFailed && ack.attempt < t.job.attempt;
  };
  const auto effect = [&ack] {
    switch (ack.status) {
      case OutcomeStatus::kSucceeded:
        return AckEffect::kSucceeded;
      case OutcomeStatus::kCancelled:
        return AckEffect::kCancelled;
      case OutcomeStatus::kFailed:
        break;
    }
    return AckEffect::kDead;
  };
  if (const auto cancelled = cancelling_.find(ack.id);
      cancelled != cancelling_.end() && ack.final) {
    // Recorded: as cancelled, or as what it came to before the cancel reached it.
    finish(cancelled->second.job, ack, now_ms);
    remember_ending(ack, cancelled->second.job.job.max_attempts);
    cancelling_.erase(cancelled);
    return effect();
  }
  if (in_flight != in_flight_.end()) {
    auto& t = in_flight->second.job;
    if (stale_failure(t)) return AckEffect::kStale;
    if (ack.final) {
      by_type_.remove(t.job.type, Stage::kInFlight);
      finish(t, ack, now_ms);
      remember_ending(ack, t.job.max_attempts);
      erase_in_flight(in_flight);
      return effect();
    }
    if (ack.attempt != t.job.attempt) return AckEffect::kStale;
    // Failed with attempts left: the next one waits out its backoff.
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    // Backoff counts attempts from the start of this round: `zpipe retry` gives a fresh round.
    const auto round_start =
        t.job.max_attempts - std::min(t.job.max_attempts, t.attempts_per_round);
    const auto attempt_in_round = t.job.attempt - std::min(t.job.attempt - 1, round_start);
    t.due_ms = now_ms + std::max<std::uint64_t>(1, retry_delay_ms(policy_, attempt_in_round, unit));
    t.job.attempt += 1;
    if (journal_ != nullptr) journal_->reschedule(t.journal_row, t.job.attempt, t.due_ms);
    by_type_.remove(t.job.type, Stage::kInFlight);
    auto job = std::move(t);
    erase_in_flight(in_flight);
    add_timed(std::move(job));
    return AckEffect::kRetryScheduled;
  }
  if (!ack.final) return AckEffect::kUnknown;
  // A delayed job has never been sent: no outcome can be about it.
  const auto retrying = retrying_.find(ack.id);
  if (retrying != retrying_.end() && stale_failure(retrying->second)) return AckEffect::kStale;
  if (retrying != retrying_.end()) {
    stop_waiting(retrying->second);
    finish(retrying->second, ack, now_ms);
    remember_ending(ack, retrying->second.job.max_attempts);
    retrying_.erase(retrying);
    return effect();
  }
  if (const auto pending = maybe_recorded_.find(ack.id); pending != maybe_recorded_.end()) {
    // A job pending again whose outcome was recorded after all: settled when it comes up for
    // dispatch, instead of running again.
    maybe_recorded_.erase(pending);
    finished_while_pending_.emplace(ack.id, Settled{ack, now_ms});
    remember_ending(ack, 0);
    return effect();
  }
  return AckEffect::kUnknown;
}

void JobTable::finish(TrackedJob& t, const Ack& ack, std::uint64_t now_ms) {
  const auto status = ack.status;
  memory_bytes_ -= std::min(memory_bytes_, memory_cost(t));
  release_unique_key(t);
  if (status == OutcomeStatus::kCancelled) {
    ++finished_.cancelled;
    if (journal_ != nullptr) journal_->remove(t.journal_row);
  } else {
    by_type_.add(t.job.type,
                 status == OutcomeStatus::kSucceeded ? Stage::kSucceeded : Stage::kDead);
    if (status == OutcomeStatus::kSucceeded) {
      ++finished_.succeeded;
      if (journal_ != nullptr) journal_->remove(t.journal_row);
    } else {
      ++finished_.dead;
      if (journal_ != nullptr) journal_->bury(t.journal_row, t.job.attempt);
    }
  }
  make_jobs_of(t, ack, now_ms);
}

void JobTable::make_job(JobSpec spec, std::string id, const std::string& parent,
                        std::uint64_t now_ms) {
  // A batch over (or forgotten) takes no more jobs: the job is made without it.
  if (!spec.batch.empty() && !batches_.takes_follow_ups(spec.batch)) spec.batch.clear();
  MadeJob made{id, spec.type, spec.queue, parent};
  bool added = false;
  add(std::move(spec), std::move(id), parent, now_ms, &added);
  if (added) made_.push_back(std::move(made));
}

void JobTable::make_callbacks_due(std::uint64_t now_ms) {
  for (auto& callback : batches_.take_callbacks_due()) {
    make_job(std::move(callback.spec), std::move(callback.id), callback.batch, now_ms);
  }
}

void JobTable::make_jobs_of(const TrackedJob& t, const Ack& ack, std::uint64_t now_ms) {
  const auto& links = t.job.links;
  const auto& id = t.job.id;
  if (ack.status == OutcomeStatus::kSucceeded) {
    // Those that join its batch count before it ends, so that the batch cannot end first.
    std::size_t n = 0;
    for (const auto& spec : ack.follow_ups) make_job(spec, follow_up_id(id, ++n), id, now_ms);
    if (ack.next) {
      auto next = *ack.next;
      next.batch = t.job.batch();
      if (links) next.on_failure = links->on_failure;
      make_job(std::move(next), chain_step_id(id), id, now_ms);
    }
  } else if (ack.status == OutcomeStatus::kFailed && links && !links->on_failure.empty()) {
    const auto facts = Payload::from_json({{"id", id},
                                           {"type", t.job.type.str()},
                                           {"attempts", t.job.attempt},
                                           {"error_code", ack.error_code},
                                           {"error", ack.error}});
    const auto round =
        (t.job.max_attempts - 1) / std::max<std::uint32_t>(1, t.attempts_per_round) + 1;
    std::size_t n = 0;
    for (auto spec : links->on_failure) {
      // Checked at submit (workflow_payload_problem).
      if (auto payload = with_key(spec.payload, kFailedJobKey, facts); payload.ok()) {
        spec.payload = std::move(payload.value());
      }
      make_job(std::move(spec), on_failure_id(id, ++n, round), id, now_ms);
    }
  }
  if (const auto& batch = t.job.batch(); !batch.empty()) {
    batches_.ended(batch, id, ack.status, now_ms);
  }
  make_callbacks_due(now_ms);
}

Result<std::vector<std::string>> JobTable::revive(const DeadSelection& selection,
                                                  std::uint64_t now_ms) {
  std::vector<std::string> ids;
  if (journal_ == nullptr) return ids;
  auto revived = journal_->revive(selection, now_ms);
  if (!revived.ok()) return revived.error();
  for (auto& t : revived.value()) {
    keep(t);
    forget_ending(t.job.id);
    ids.push_back(t.job.id);
    t.due_ms = 0;
    by_type_.move(t.job.type, Stage::kDead, Stage::kPending);
    if (const auto& batch = t.job.batch(); !batch.empty()) batches_.revived(batch, t.job.id);
    ready_.push_back(std::move(t));
  }
  finished_.dead -= std::min<std::uint64_t>(finished_.dead, ids.size());
  return ids;
}

Result<std::vector<std::string>> JobTable::discard(const DeadSelection& selection) {
  if (journal_ == nullptr) return std::vector<std::string>{};
  std::vector<std::string> types;
  auto ids = journal_->discard(selection, &types);
  if (!ids.ok()) return ids;
  for (const auto& type : types) by_type_.remove(type, Stage::kDead);
  finished_.dead -= std::min<std::uint64_t>(finished_.dead, ids.value().size());
  for (const auto& id : ids.value()) forget_ending(id);
  return ids;
}

void JobTable::remember_ending(const Ack& ack, std::uint32_t max_attempts) {
  const bool succeeded = ack.status != OutcomeStatus::kFailed;
  // The reasons table is touched only for failures, this one's or an earlier ending's.
  if (const auto* earlier = endings_.find(ack.id); earlier != nullptr && !earlier->succeeded) {
    ending_errors_.erase(ack.id);
  }
  endings_.remember(ack.id,
                    EndingLog::Ending{ack.attempt, max_attempts, succeeded,
                                      ack.status == OutcomeStatus::kCancelled},
                    [this](std::string_view id, const EndingLog::Ending& oldest) {
                      if (!oldest.succeeded) ending_errors_.erase(std::string(id));
                    });
  if (!succeeded)
    ending_errors_.insert_or_assign(ack.id, std::make_pair(ack.error_code, ack.error));
}

void JobTable::forget_ending(const std::string& id) {
  endings_.forget(id);
  ending_errors_.erase(id);
}

std::vector<JobStatus> JobTable::statuses(const std::vector<std::string>& ids) {
  std::vector<JobStatus> found(ids.size());
  std::unordered_map<std::string_view, std::vector<std::size_t>> maybe_pending;
  const auto held = [](JobStatus& status, JobState state, const HeldJob& job) {
    status.state = state;
    status.attempt = job.attempt;
    status.max_attempts = job.max_attempts;
    status.queue = job.queue.str();
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& status = found[i];
    status.id = ids[i];
    if (const auto it = in_flight_.find(ids[i]); it != in_flight_.end()) {
      held(status, JobState::kRunning, it->second.job.job);
      status.worker = it->second.owner;
    } else if (const auto r = retrying_.find(ids[i]); r != retrying_.end()) {
      held(status, JobState::kRetrying, r->second.job);
      status.due_ms = r->second.due_ms;
    } else if (const auto c = cancelling_.find(ids[i]); c != cancelling_.end()) {
      held(status, JobState::kCancelled, c->second.job.job);
    } else if (const auto* e = endings_.find(ids[i]); e != nullptr) {
      const auto& ending = *e;
      status.state = ending.cancelled   ? JobState::kCancelled
                     : ending.succeeded ? JobState::kSucceeded
                                        : JobState::kDead;
      status.attempt = ending.attempt;
      status.max_attempts = ending.max_attempts;
      if (const auto why = ending_errors_.find(ids[i]); why != ending_errors_.end()) {
        status.error_code = why->second.first;
        status.error = why->second.second;
      }
    } else {
      maybe_pending[ids[i]].push_back(i);
    }
  }
  // One pass over the ready jobs for every id not found above, then one over the delayed ones.
  if (!maybe_pending.empty()) {
    ready_.for_each([&](const TrackedJob& t) {
      const auto wanted = maybe_pending.find(t.job.id);
      if (wanted == maybe_pending.end()) return;
      for (const auto i : wanted->second) held(found[i], JobState::kPending, t.job);
      maybe_pending.erase(wanted);
    });
  }
  if (!maybe_pending.empty() && !delayed_.empty()) {
    delayed_.for_each([&](const TrackedJob& t) {
      const auto wanted = maybe_pending.find(t.job.id);
      if (wanted == maybe_pending.end()) return;
      for (const auto i : wanted->second) {
        held(found[i], JobState::kScheduled, t.job);
        found[i].due_ms = t.due_ms;
      }
      maybe_pending.erase(wanted);
    });
  }
  if (journal_ == nullptr || maybe_pending.empty()) return found;
  // The rest may be dead jobs of earlier runs: one read of the journal for all of them.
  std::vector<std::string> rest;
  for (const auto& [id, where] : maybe_pending) rest.emplace_back(id);
  const auto dead = journal_->find_dead(rest);
  if (!dead.ok()) return found;  // unknown (an unreadable journal says so elsewhere)
  for (const auto& row : dead.value()) {
    for (const auto i : maybe_pending.at(row.id)) {
      found[i].state = JobState::kDead;
      found[i].attempt = static_cast<std::uint32_t>(row.attempt);
      found[i].max_attempts = static_cast<std::uint32_t>(row.max_attempts);
    }
  }
  return found;
}

PipelineCounts JobTable::counts() const {
  PipelineCounts counts = finished_;
  counts.pending = ready_.size();
  counts.in_flight = in_flight_.size() + cancelling_.size();
  counts.retrying = retrying_.size();
  counts.scheduled = delayed_.size();
  return counts;
}

void JobTable::release_unique_key(const TrackedJob& t) {
  if (unique_keys_.empty()) return;
  const auto key = unique_keys_.find(t.job.id);
  if (key == unique_keys_.end()) return;
  if (const auto id = unique_ids_.find(key->second);
      id != unique_ids_.end() && id->second == t.job.id) {
    unique_ids_.erase(id);
  }
  unique_keys_.erase(key);
}

void JobTable::hold_cancelled(TrackedJob t, const std::string& by) {
  auto id = t.job.id;
  cancel_unsent_.push_back(id);
  cancelling_.insert_or_assign(std::move(id), Cancelling{std::move(t), by});
}

std::vector<CancelledJob> JobTable::cancel(const std::vector<std::string>& ids,
                                           const std::string& by,
                                           std::vector<CancelAtWorker>& at_workers) {
  std::vector<CancelledJob> results;
  results.reserve(ids.size());
  std::unordered_map<std::string_view, std::vector<std::size_t>> maybe_ready;
  const auto journal_cancel = [this, &by](const TrackedJob& t) {
    if (journal_ != nullptr) journal_->cancel(t.journal_row, by);
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& id = ids[i];
    results.push_back({id, CancelResult::kUnknown});
    auto& result = results.back().result;
    if (const auto running = in_flight_.find(id); running != in_flight_.end()) {
      auto& f = running->second;
      if (f.cancel_by.empty()) {
        f.cancel_by = by.empty() ? std::string("someone") : by;
        journal_cancel(f.job);
        at_workers.push_back({f.owner, {id, f.job.job.attempt}});
      }
      result = CancelResult::kCancelling;
    } else if (const auto timed = retrying_.find(id); timed != retrying_.end()) {
      stop_waiting(timed->second);
      journal_cancel(timed->second);
      hold_cancelled(std::move(timed->second), by);
      retrying_.erase(timed);
      result = CancelResult::kCancelled;
    } else if (cancelling_.contains(id)) {
      result = CancelResult::kCancelled;
    } else if (endings_.find(id) != nullptr) {
      result = CancelResult::kOver;
    } else {
      maybe_ready[id].push_back(i);
    }
  }
  // One pass over the ready jobs for the ids not found above, then one over the delayed ones.
  const auto cancel_taken = [&](std::vector<TrackedJob> taken, bool waiting) {
    for (auto& t : taken) {
      for (const auto i : maybe_ready.at(t.job.id)) results[i].result = CancelResult::kCancelled;
      maybe_ready.erase(t.job.id);
      if (waiting) {
        stop_waiting(t);
      } else {
        by_type_.remove(t.job.type, Stage::kPending);
      }
      maybe_recorded_.erase(t.job.id);
      journal_cancel(t);
      hold_cancelled(std::move(t), by);
    }
  };
  if (!maybe_ready.empty()) {
    cancel_taken(ready_.take_if([&](const TrackedJob& t) {
      return maybe_ready.contains(t.job.id) && !finished_while_pending_.contains(t.job.id);
    }),
                 false);
  }
  if (!maybe_ready.empty() && !delayed_.empty()) {
    cancel_taken(
        delayed_.take_if([&](const TrackedJob& t) { return maybe_ready.contains(t.job.id); }),
        true);
  }
  return results;
}

std::vector<RunNowJob> JobTable::run_now(const std::vector<std::string>& ids) {
  // Where each is now (one pass over the ready and the delayed jobs for them all); the delayed
  // ones named are taken out together (another pass), then all are made due in the order asked.
  const auto states = statuses(ids);
  std::unordered_set<std::string_view> delayed_ids;
  for (const auto& status : states) {
    if (status.state == JobState::kScheduled) delayed_ids.insert(status.id);
  }
  std::unordered_map<std::string, TrackedJob> delayed;
  if (!delayed_ids.empty()) {
    for (auto& t :
         delayed_.take_if([&](const TrackedJob& t) { return delayed_ids.contains(t.job.id); })) {
      auto id = t.job.id;
      delayed.emplace(std::move(id), std::move(t));
    }
  }
  std::vector<RunNowJob> results;
  results.reserve(ids.size());
  for (const auto& status : states) {
    auto result = RunNowResult::kUnknown;
    switch (status.state) {
      case JobState::kScheduled:
        if (const auto found = delayed.find(status.id); found != delayed.end()) {
          make_ready_after_wait(std::move(found->second));
          delayed.erase(found);
        }
        result = RunNowResult::kDue;
        break;
      case JobState::kRetrying:
        // Its entry in retry_due_ stays, and is passed over when it comes up (not in retrying_).
        if (const auto found = retrying_.find(status.id); found != retrying_.end()) {
          auto t = std::move(found->second);
          retrying_.erase(found);
          make_ready_after_wait(std::move(t));
        }
        result = RunNowResult::kDue;
        break;
      case JobState::kPending:
        result = RunNowResult::kPending;
        break;
      case JobState::kRunning:
        result = RunNowResult::kRunning;
        break;
      case JobState::kSucceeded:
      case JobState::kDead:
      case JobState::kCancelled:
        result = RunNowResult::kOver;
        break;
      case JobState::kUnknown:
        break;
    }
    results.push_back({status.id, result});
  }
  return results;
}

std::vector<CancelRecord> JobTable::take_cancel_records(bool again) {
  std::vector<CancelRecord> records;
  const auto record = [&records](const Cancelling& c) {
    const auto& job = c.job.job;
    records.push_back({job.id, job.type, job.queue, job.attempt, job.max_attempts, job.created_ms,
                       c.by, job.payload, c.job.payload_in_journal ? c.job.journal_row : 0});
  };
  if (again) {
    for (const auto& [id, c] : cancelling_) record(c);
  } else {
    for (const auto& id : cancel_unsent_) {
      if (const auto c = cancelling_.find(id); c != cancelling_.end()) record(c->second);
    }
  }
  cancel_unsent_.clear();
  return records;
}

std::vector<QueueSummary> JobTable::queue_summaries(std::uint64_t now_ms) const {
  std::map<std::string, QueueSummary> queues;
  for (const auto& facts : ready_.queues()) {
    auto& q = queues[facts.name];
    q.name = facts.name;
    q.pending = facts.pending;
    q.paused = facts.paused;
    q.latency_ms = facts.oldest_created_ms == 0 || facts.oldest_created_ms > now_ms
                       ? 0
                       : now_ms - facts.oldest_created_ms;
  }
  for (const auto& [id, f] : in_flight_) {
    auto& q = queues[f.job.job.queue];
    q.name = f.job.job.queue;
    ++q.running;
  }
  for (const auto& [name, waiting] : waiting_in_queue_) {
    auto& q = queues[name];
    q.name = name;
    q.scheduled = waiting;
  }
  std::vector<QueueSummary> summaries;
  summaries.reserve(queues.size());
  for (auto& [name, q] : queues) summaries.push_back(std::move(q));
  return summaries;
}

std::vector<LimitSummary> JobTable::limit_summaries() const {
  std::vector<LimitSummary> summaries;
  for (const auto& spec : limits_.specs()) {
    LimitSummary s{spec.text(), limits_.running(spec.scope, spec.name), 0};
    s.waiting = spec.scope == LimitSpec::Scope::kType ? ready_.pending_of_type(spec.name)
                                                      : ready_.pending_in_queue(spec.name);
    summaries.push_back(std::move(s));
  }
  return summaries;
}

std::vector<ScheduledJob> JobTable::scheduled(std::uint64_t limit, std::uint64_t& total) const {
  total = retrying_.size() + delayed_.size();
  std::vector<const TrackedJob*> soonest;
  soonest.reserve(total);
  for (const auto& [id, t] : retrying_) soonest.push_back(&t);
  delayed_.for_each([&soonest](const TrackedJob& t) { soonest.push_back(&t); });
  const auto n = std::min<std::size_t>(soonest.size(), limit);
  const auto by_due = [](const TrackedJob* a, const TrackedJob* b) {
    return std::pair(a->due_ms, a->job.id) < std::pair(b->due_ms, b->job.id);
  };
  std::partial_sort(soonest.begin(), soonest.begin() + static_cast<std::ptrdiff_t>(n),
                    soonest.end(), by_due);
  std::vector<ScheduledJob> jobs;
  jobs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& t = *soonest[i];
    jobs.push_back({t.job.id, t.job.type, t.job.queue, t.due_ms, t.job.attempt});
  }
  return jobs;
}

void JobTable::save_totals() {
  batches_.save_changed();
  if (journal_ == nullptr) return;
  if (finished_.accepted == saved_totals_.accepted &&
      finished_.succeeded == saved_totals_.succeeded && finished_.failed == saved_totals_.failed &&
      finished_.cancelled == saved_totals_.cancelled) {
    return;
  }
  journal_->save_totals(finished_);
  saved_totals_ = finished_;
}

}  // namespace zpipe
