// BatchBook: the ventilator's batches (batch_requests.hpp): opened, joined by jobs, sealed,
// counted as their jobs end; when the last job of a sealed batch ends, its callbacks are due
// (take_callbacks_due). Every change is journaled with the change of the job that caused it,
// in the same commit (save_changed() before each commit), so that callbacks are made once.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/batch_requests.hpp"
#include "common/outcome.hpp"
#include "common/result.hpp"
#include "ventilator/batch_record.hpp"
#include "ventilator/journal.hpp"

namespace zpipe {

// A callback to create: its spec (the payload says how the batch ended) and id.
struct BatchCallback {
  std::string id;
  std::string batch;
  JobSpec spec;
};

class BatchBook {
 public:
  // `journal` may be null (durability none); `id_prefix` makes ids unique across runs.
  BatchBook(Journal* journal, std::string id_prefix);

  void restore(std::vector<BatchRecord> batches);
  // A new batch, open; returns its id.
  std::string open(const BatchOpen& request, std::uint64_t now_ms);
  // No more jobs from producers; ends it at once when its jobs have all ended. kInvalid for a
  // batch not open (unknown or sealed already).
  Result<Ok> seal(const std::string& id, std::uint64_t now_ms);
  // Why a producer's job cannot join `id` (unknown, sealed), or nullopt.
  std::optional<std::string> join_problem(const std::string& id) const;
  // Whether a job made by another (a follow-up) can join `id`: it is held and not over.
  bool takes_follow_ups(const std::string& id) const;
  void joined(const std::string& id);
  // A job of batch `id` ended so (`status` kFailed: dead).
  void ended(const std::string& id, const std::string& job, OutcomeStatus status,
             std::uint64_t now_ms);
  // A dead job of batch `id` runs again (`zpipe retry`): no longer counted dead, unless the
  // batch is over (its callbacks ran: the job is then no longer its).
  void revived(const std::string& id, const std::string& job);
  std::vector<BatchCallback> take_callbacks_due() { return std::exchange(due_, {}); }

  // The batches named (unknown ones with known = false), or the latest `limit`. `running`
  // says how many jobs of a batch are sent to workers now.
  std::vector<BatchSummary> summaries(const std::vector<std::string>& ids, std::uint64_t limit,
                                      const std::map<std::string, std::uint64_t>& running) const;
  std::size_t open_count() const;
  // Journals the batches changed since the last call.
  void save_changed();
  // Finished batches kept, the newest; older ones are forgotten (journal included).
  static constexpr std::size_t kFinishedKept = 10'000;

 private:
  void finish_if_done(BatchRecord& b, std::uint64_t now_ms);
  BatchSummary summary_of(const BatchRecord& b, std::uint64_t running, bool with_dead) const;

  Journal* journal_;
  std::string id_prefix_;
  std::uint64_t next_seq_ = 1;
  struct Held {
    BatchRecord record;
    bool changed = false;  // listed in changed_
  };
  std::unordered_map<std::string, Held> batches_;
  // Marks a batch for save_changed(): listed once between two saves, not once per job.
  void changed(Held& held);
  std::vector<std::string> order_;  // ids, oldest first
  std::deque<std::string> finished_order_;
  std::vector<std::string> changed_;
  std::vector<BatchCallback> due_;
};

}  // namespace zpipe
