#include "ventilator/batch_book.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/follow_ups.hpp"

namespace zpipe {
namespace {

// What a callback's payload says of its batch (kBatchKey).
Payload batch_facts(const BatchRecord& b) {
  return Payload::from_json({{"id", b.id},
                             {"description", b.description},
                             {"total", b.total},
                             {"succeeded", b.succeeded},
                             {"dead", b.dead},
                             {"cancelled", b.cancelled},
                             {"dead_ids", b.dead_ids}});
}

}  // namespace

BatchBook::BatchBook(Journal* journal, std::string id_prefix)
    : journal_(journal), id_prefix_(std::move(id_prefix)) {}

void BatchBook::restore(std::vector<BatchRecord> batches) {
  for (auto& b : batches) {
    order_.push_back(b.id);
    if (b.finished()) finished_order_.push_back(b.id);
    auto id = b.id;
    batches_.insert_or_assign(std::move(id), Held{std::move(b), false});
  }
}

std::string BatchBook::open(const BatchOpen& request, std::uint64_t now_ms) {
  BatchRecord b;
  b.id = id_prefix_ + "-b" + std::to_string(next_seq_++);
  b.description = request.description;
  b.on_complete = request.on_complete;
  b.on_success = request.on_success;
  b.created_ms = now_ms;
  order_.push_back(b.id);
  auto id = b.id;
  changed(batches_.emplace(id, Held{std::move(b), false}).first->second);
  return id;
}

Result<Ok> BatchBook::seal(const std::string& id, std::uint64_t now_ms) {
  if (auto problem = join_problem(id)) return make_error(ErrorCode::kInvalid, *problem);
  auto& held = batches_.at(id);
  auto& b = held.record;
  b.sealed = true;
  changed(held);
  finish_if_done(b, now_ms);
  return Ok{};
}

std::optional<std::string> BatchBook::join_problem(const std::string& id) const {
  const auto found = batches_.find(id);
  if (found == batches_.end()) return "no batch " + id + " is held by this pipeline";
  if (found->second.record.sealed) {
    return "batch " + id + " is sealed: only its own jobs can add to it (as follow-ups)";
  }
  return std::nullopt;
}

bool BatchBook::takes_follow_ups(const std::string& id) const {
  const auto found = batches_.find(id);
  return found != batches_.end() && !found->second.record.finished();
}

void BatchBook::joined(const std::string& id) {
  const auto found = batches_.find(id);
  if (found == batches_.end() || found->second.record.finished()) return;
  ++found->second.record.total;
  changed(found->second);
}

void BatchBook::changed(Held& held) {
  if (held.changed) return;
  held.changed = true;
  changed_.push_back(held.record.id);
}

void BatchBook::ended(const std::string& id, const std::string& job, OutcomeStatus status,
                      std::uint64_t now_ms) {
  const auto found = batches_.find(id);
  if (found == batches_.end() || found->second.record.finished()) return;
  auto& b = found->second.record;
  switch (status) {
    case OutcomeStatus::kSucceeded:
      ++b.succeeded;
      break;
    case OutcomeStatus::kCancelled:
      ++b.cancelled;
      break;
    case OutcomeStatus::kFailed:
      ++b.dead;
      if (b.dead_ids.size() < kBatchDeadIdsKept) {
        b.dead_ids.push_back(job);
        if (journal_ != nullptr) journal_->add_batch_dead(id, job);
      }
      break;
  }
  changed(found->second);
  finish_if_done(b, now_ms);
}

void BatchBook::revived(const std::string& id, const std::string& job) {
  const auto found = batches_.find(id);
  if (found == batches_.end()) return;
  auto& b = found->second.record;
  if (b.finished() || b.dead == 0) return;
  --b.dead;
  std::erase(b.dead_ids, job);  // the journal's list keeps it: restored, it is counted dead
  changed(found->second);
}

void BatchBook::finish_if_done(BatchRecord& b, std::uint64_t now_ms) {
  if (!b.sealed || b.finished() || b.ended() < b.total) return;
  b.finished_ms = std::max<std::uint64_t>(now_ms, 1);
  finished_order_.push_back(b.id);
  const auto facts = batch_facts(b);
  const auto callback = [&](const std::optional<JobSpec>& spec, bool on_success) {
    if (!spec) return;
    BatchCallback c{batch_callback_id(b.id, on_success), b.id, *spec};
    // Checked when the batch was opened (workflow_payload_problem).
    if (auto payload = with_key(c.spec.payload, kBatchKey, facts); payload.ok()) {
      c.spec.payload = std::move(payload.value());
    }
    due_.push_back(std::move(c));
  };
  callback(b.on_complete, false);
  if (b.dead == 0 && b.cancelled == 0) callback(b.on_success, true);
  while (finished_order_.size() > kFinishedKept) {
    const auto old = finished_order_.front();
    finished_order_.pop_front();
    batches_.erase(old);
    std::erase(order_, old);
    std::erase(changed_, old);
    if (journal_ != nullptr) journal_->forget_batch(old);
  }
}

BatchSummary BatchBook::summary_of(const BatchRecord& b, std::uint64_t running,
                                   bool with_dead) const {
  BatchSummary s;
  s.id = b.id;
  s.description = b.description;
  s.created_ms = b.created_ms;
  s.finished_ms = b.finished_ms;
  s.sealed = b.sealed;
  s.total = b.total;
  s.succeeded = b.succeeded;
  s.dead = b.dead;
  s.cancelled = b.cancelled;
  const auto open = b.total - std::min(b.total, b.ended());
  s.running = std::min(running, open);
  s.pending = open - s.running;
  if (b.finished()) {
    if (b.on_complete) s.on_complete_id = batch_callback_id(b.id, false);
    if (b.on_success && b.dead == 0 && b.cancelled == 0) {
      s.on_success_id = batch_callback_id(b.id, true);
    }
  }
  if (with_dead) s.dead_ids = b.dead_ids;
  return s;
}

std::vector<BatchSummary> BatchBook::summaries(
    const std::vector<std::string>& ids, std::uint64_t limit,
    const std::map<std::string, std::uint64_t>& running) const {
  const auto running_in = [&running](const std::string& id) -> std::uint64_t {
    const auto found = running.find(id);
    return found == running.end() ? 0 : found->second;
  };
  std::vector<BatchSummary> found;
  if (!ids.empty()) {
    for (const auto& id : ids) {
      const auto b = batches_.find(id);
      if (b == batches_.end()) {
        found.push_back(BatchSummary{.id = id, .known = false});
      } else {
        found.push_back(summary_of(b->second.record, running_in(id), true));
      }
    }
    return found;
  }
  for (auto id = order_.rbegin(); id != order_.rend() && found.size() < limit; ++id) {
    found.push_back(summary_of(batches_.at(*id).record, running_in(*id), false));
  }
  return found;
}

std::size_t BatchBook::open_count() const {
  return static_cast<std::size_t>(std::count_if(
      batches_.begin(), batches_.end(), [](const auto& b) { return !b.second.record.finished(); }));
}

void BatchBook::save_changed() {
  for (const auto& id : changed_) {
    auto& held = batches_.at(id);
    held.changed = false;
    if (journal_ != nullptr) journal_->save_batch(held.record);
  }
  changed_.clear();
}

}  // namespace zpipe
