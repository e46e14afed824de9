#include "ventilator/delayed_jobs.hpp"

#include <algorithm>

namespace zpipe {

void DelayedJobs::push(TrackedJob job) {
  job.order = next_order_++;  // ReadyQueues gives it a new one when it is due
  heap_.push_back(std::move(job));
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

std::optional<std::uint64_t> DelayedJobs::next_due_ms() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due_ms;
}

std::optional<TrackedJob> DelayedJobs::pop_due(std::uint64_t now_ms) {
  if (heap_.empty() || heap_.front().due_ms > now_ms) return std::nullopt;
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  auto job = std::move(heap_.back());
  heap_.pop_back();
  return job;
}

std::vector<TrackedJob> DelayedJobs::take_if(const std::function<bool(const TrackedJob&)>& pick) {
  std::vector<TrackedJob> taken;
  const auto kept =
      std::partition(heap_.begin(), heap_.end(), [&](const TrackedJob& t) { return !pick(t); });
  if (kept == heap_.end()) return taken;
  taken.reserve(static_cast<std::size_t>(heap_.end() - kept));
  std::move(kept, heap_.end(), std::back_inserter(taken));
  heap_.erase(kept, heap_.end());
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  return taken;
}

void DelayedJobs::for_each(const std::function<void(const TrackedJob&)>& visit) const {
  for (const auto& job : heap_) visit(job);
}

}  // namespace zpipe
