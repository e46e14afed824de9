// DelayedJobs: the jobs submitted to run later (`--in`, `--at`, JSONL `run_at`), soonest first.
// Held in a heap and nothing else, so that a million of them cost little more than the jobs
// themselves: finding one by id (cancel, a status) is a pass over them all, which only those
// rare requests pay. Retries wait elsewhere (JobTable): a late outcome finds them by id.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "ventilator/tracked_job.hpp"

namespace zpipe {

class DelayedJobs {
 public:
  // `job.due_ms` says when it is due.
  void push(TrackedJob job);
  // The soonest due time, if any job waits.
  std::optional<std::uint64_t> next_due_ms() const;
  // Removes and returns the soonest job if it is due at `now_ms`.
  std::optional<TrackedJob> pop_due(std::uint64_t now_ms);
  // Removes every job for which `pick` says true; returns them.
  std::vector<TrackedJob> take_if(const std::function<bool(const TrackedJob&)>& pick);
  // Each job, in no particular order.
  void for_each(const std::function<void(const TrackedJob&)>& visit) const;

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }

 private:
  struct Later {  // the heap's order: the soonest on top, then the first pushed
    bool operator()(const TrackedJob& a, const TrackedJob& b) const {
      return a.due_ms != b.due_ms ? a.due_ms > b.due_ms : a.order > b.order;
    }
  };
  // A deque: no spare half of a grown vector, no copy of a million jobs when it grows.
  std::deque<TrackedJob> heap_;
  std::int64_t next_order_ = 0;
};

}  // namespace zpipe
