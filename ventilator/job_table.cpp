#include "ventilator/job_table.hpp"

namespace zpipe {

using Stage = TypeTally::Stage;

JobTable::JobTable(std::string id_prefix, JobPolicy policy, Journal* journal, std::uint64_t seed)
    : id_prefix_(std::move(id_prefix)),
      policy_(std::move(policy)),
      journal_(journal),
      random_(seed) {
  endings_.reserve(kRememberedEndings + 1);  // no rehash of a table that is always full
}

std::uint64_t JobTable::memory_cost(const TrackedJob& t) {
  // A payload kept in the journal counts as the nil it is between sends.
  const auto payload =
      t.payload_in_journal ? Payload().msgpack().size() : t.job.payload.msgpack().size();
  return kTrackedJobBytes + t.job.id.size() + t.job.type.size() + payload;
}

void JobTable::keep(TrackedJob& t) {
  if (journal_ != nullptr && t.job.payload.msgpack().size() > kPayloadKeptInMemory) {
    t.job.payload.clear();
    t.payload_in_journal = true;
  }
  memory_bytes_ += memory_cost(t);
}

void JobTable::restore(std::vector<TrackedJob> live,
                       const std::map<std::string, std::uint64_t>& dead_by_type) {
  for (auto& t : live) {
    keep(t);
    maybe_recorded_.insert(t.job.id);
    if (t.due_ms > 0) {
      by_type_.add(t.job.type, Stage::kRetrying);
      retry_due_.emplace(t.due_ms, t.job.id);
      retrying_.emplace(t.job.id, std::move(t));
    } else {
      by_type_.add(t.job.type, Stage::kPending);
      pending_.push_back(std::move(t));
    }
  }
  finished_.dead = 0;
  for (const auto& [type, dead] : dead_by_type) {
    by_type_.add(type, Stage::kDead, dead);
    finished_.dead += dead;
  }
}

std::vector<std::string> JobTable::accept(std::vector<JobSpec> specs, std::uint64_t now_ms) {
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (auto& spec : specs) {
    TrackedJob t;
    auto& job = t.job;
    job.id = id_prefix_ + "-" + std::to_string(next_seq_++);
    job.type = std::move(spec.type);
    job.payload = std::move(spec.payload);
    job.attempt = 1;
    job.max_attempts =
        spec.max_attempts != 0 ? spec.max_attempts : policy_.max_attempts_for(job.type);
    job.timeout_ms = spec.timeout_ms != 0 ? spec.timeout_ms : policy_.timeout_ms;
    job.created_ms = now_ms;
    t.attempts_per_round = job.max_attempts;
    if (journal_ != nullptr) t.journal_row = journal_->add(t);
    keep(t);
    ids.push_back(job.id);
    by_type_.add(job.type, Stage::kPending);
    pending_.push_back(std::move(t));
  }
  finished_.accepted += ids.size();
  return ids;
}

bool JobTable::has_pending() {
  while (!pending_.empty() && !finished_while_pending_.empty()) {
    const auto found = finished_while_pending_.find(pending_.front().job.id);
    if (found == finished_while_pending_.end()) break;
    by_type_.remove(pending_.front().job.type, Stage::kPending);
    finish(pending_.front(), found->second);
    finished_while_pending_.erase(found);
    pending_.pop_front();
  }
  return !pending_.empty();
}

const Job& JobTable::next_pending() {
  auto& t = pending_.front();
  // Read back for the send; let go of again once sent (mark_dispatched()).
  if (t.payload_in_journal && t.job.payload.msgpack().size() <= 1) {
    t.job.payload = journal_->payload_of(t.journal_row);
  }
  return t.job;
}

void JobTable::mark_dispatched(std::uint64_t now_ms, const std::string& owner) {
  auto t = std::move(pending_.front());
  pending_.pop_front();
  by_type_.move(t.job.type, Stage::kPending, Stage::kInFlight);
  if (t.payload_in_journal) t.job.payload.clear();
  const bool maybe_recorded = !maybe_recorded_.empty() && maybe_recorded_.erase(t.job.id) > 0;
  const auto deadline = now_ms + t.job.timeout_ms + policy_.redispatch_grace_ms;
  deadlines_.emplace(deadline, t.job.id);
  auto id = t.job.id;
  const auto [it, added] = in_flight_.try_emplace(std::move(id));
  if (!added) {
    forget_holder(it->second.owner);
    by_type_.remove(it->second.job.job.type, Stage::kInFlight);
  }
  it->second = InFlight{std::move(t), deadline, owner, maybe_recorded};
  ++held_[owner];
}

void JobTable::forget_holder(const std::string& owner) {
  const auto held = held_.find(owner);
  if (held != held_.end() && --held->second == 0) held_.erase(held);
}

JobTable::InFlightMap::iterator JobTable::erase_in_flight(InFlightMap::iterator it) {
  forget_holder(it->second.owner);
  return in_flight_.erase(it);
}

void JobTable::promote_due_retries(std::uint64_t now_ms) {
  while (!retry_due_.empty() && retry_due_.top().first <= now_ms) {
    const auto found = retrying_.find(retry_due_.top().second);
    const bool current = found != retrying_.end() && found->second.due_ms == retry_due_.top().first;
    retry_due_.pop();
    if (!current) continue;
    auto& t = found->second;
    t.due_ms = 0;
    if (journal_ != nullptr) journal_->reschedule(t.journal_row, t.job.attempt, 0);
    by_type_.move(t.job.type, Stage::kRetrying, Stage::kPending);
    pending_.push_back(std::move(t));
    retrying_.erase(found);
  }
}

std::vector<std::string> JobTable::redispatch_overdue(std::uint64_t now_ms) {
  std::vector<std::string> overdue;
  while (!deadlines_.empty() && deadlines_.top().first <= now_ms) {
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
  if (outcome_may_come || it->second.maybe_recorded) maybe_recorded_.insert(it->first);
  by_type_.move(it->second.job.job.type, Stage::kInFlight, Stage::kPending);
  pending_.push_front(std::move(it->second.job));
  return erase_in_flight(it);
}

std::size_t JobTable::held_by(const std::string& owner) const {
  const auto held = held_.find(owner);
  return held == held_.end() ? 0 : held->second;
}

std::optional<std::uint64_t> JobTable::next_timer_ms() const {
  std::optional<std::uint64_t> next;
  if (!deadlines_.empty()) next = deadlines_.top().first;
  if (!retry_due_.empty() && (!next || retry_due_.top().first < *next)) {
    next = retry_due_.top().first;
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
  if (in_flight != in_flight_.end()) {
    auto& t = in_flight->second.job;
    if (stale_failure(t)) return AckEffect::kStale;
    if (ack.final) {
      by_type_.remove(t.job.type, Stage::kInFlight);
      finish(t, ack.status);
      remember_ending(ack, t.job.max_attempts);
      erase_in_flight(in_flight);
      return ack.status == OutcomeStatus::kSucceeded ? AckEffect::kSucceeded : AckEffect::kDead;
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
    retry_due_.emplace(t.due_ms, t.job.id);
    by_type_.move(t.job.type, Stage::kInFlight, Stage::kRetrying);
    auto id = t.job.id;
    const auto [retry, added] = retrying_.try_emplace(std::move(id));
    if (!added) by_type_.remove(retry->second.job.type, Stage::kRetrying);
    retry->second = std::move(t);
    erase_in_flight(in_flight);
    return AckEffect::kRetryScheduled;
  }
  if (!ack.final) return AckEffect::kUnknown;
  const auto retrying = retrying_.find(ack.id);
  if (retrying != retrying_.end() && stale_failure(retrying->second)) return AckEffect::kStale;
  if (retrying != retrying_.end()) {
    by_type_.remove(retrying->second.job.type, Stage::kRetrying);
    finish(retrying->second, ack.status);
    remember_ending(ack, retrying->second.job.max_attempts);
    retrying_.erase(retrying);
    return ack.status == OutcomeStatus::kSucceeded ? AckEffect::kSucceeded : AckEffect::kDead;
  }
  if (const auto pending = maybe_recorded_.find(ack.id); pending != maybe_recorded_.end()) {
    // A job pending again whose outcome was recorded after all: settled when it comes up for
    // dispatch, instead of running again.
    maybe_recorded_.erase(pending);
    finished_while_pending_.emplace(ack.id, ack.status);
    remember_ending(ack, 0);
    return ack.status == OutcomeStatus::kSucceeded ? AckEffect::kSucceeded : AckEffect::kDead;
  }
  return AckEffect::kUnknown;
}

void JobTable::finish(TrackedJob& t, OutcomeStatus status) {
  memory_bytes_ -= std::min(memory_bytes_, memory_cost(t));
  by_type_.add(t.job.type, status == OutcomeStatus::kSucceeded ? Stage::kSucceeded : Stage::kDead);
  if (status == OutcomeStatus::kSucceeded) {
    ++finished_.succeeded;
    if (journal_ != nullptr) journal_->remove(t.journal_row);
  } else {
    ++finished_.dead;
    if (journal_ != nullptr) journal_->bury(t.journal_row, t.job.attempt);
  }
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
    pending_.push_back(std::move(t));
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
  const auto number = next_ending_++;
  const bool succeeded = ack.status == OutcomeStatus::kSucceeded;
  const Ending ending{number, ack.attempt, max_attempts, succeeded};
  // One lookup a job: the reasons table is touched only for failures, this one's or an
  // earlier ending's of the same id.
  if (auto [it, is_new] = endings_.try_emplace(ack.id, ending); !is_new) {
    if (!it->second.succeeded) ending_errors_.erase(ack.id);
    it->second = ending;
  }
  if (!succeeded)
    ending_errors_.insert_or_assign(ack.id, std::make_pair(ack.error_code, ack.error));
  ending_order_.emplace_back(number, ack.id);
  while (endings_.size() > kRememberedEndings && !ending_order_.empty()) {
    const auto& [oldest, id] = ending_order_.front();
    if (const auto it = endings_.find(id); it != endings_.end() && it->second.number == oldest) {
      if (!it->second.succeeded) ending_errors_.erase(id);
      endings_.erase(it);
    }
    ending_order_.pop_front();
  }
  // Entries of ids forgotten meanwhile only wait in the queue: keep it from growing past twice
  // what is remembered.
  if (ending_order_.size() > 2 * kRememberedEndings) {
    std::erase_if(ending_order_, [this](const auto& entry) {
      const auto it = endings_.find(entry.second);
      return it == endings_.end() || it->second.number != entry.first;
    });
  }
}

void JobTable::forget_ending(const std::string& id) {
  endings_.erase(id);
  ending_errors_.erase(id);
}

std::vector<JobStatus> JobTable::statuses(const std::vector<std::string>& ids) {
  std::vector<JobStatus> found(ids.size());
  std::unordered_map<std::string_view, std::vector<std::size_t>> maybe_pending;
  const auto held = [](JobStatus& status, JobState state, const Job& job) {
    status.state = state;
    status.attempt = job.attempt;
    status.max_attempts = job.max_attempts;
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
    } else if (const auto e = endings_.find(ids[i]); e != endings_.end()) {
      const auto& ending = e->second;
      status.state = ending.succeeded ? JobState::kSucceeded : JobState::kDead;
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
  // One pass over the queue for every id not found above.
  for (auto t = pending_.begin(); t != pending_.end() && !maybe_pending.empty(); ++t) {
    const auto wanted = maybe_pending.find(t->job.id);
    if (wanted == maybe_pending.end()) continue;
    for (const auto i : wanted->second) held(found[i], JobState::kPending, t->job);
    maybe_pending.erase(wanted);
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
  counts.pending = pending_.size();
  counts.in_flight = in_flight_.size();
  counts.retrying = retrying_.size();
  return counts;
}

}  // namespace zpipe
