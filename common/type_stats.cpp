#include "common/type_stats.hpp"

#include <algorithm>
#include <cassert>

namespace zpipe {

std::uint64_t nearest_rank_percentile(const std::vector<std::uint64_t>& sorted, unsigned percent) {
  assert(!sorted.empty() && percent <= 100);
  // rank = ceil(percent / 100 * n), counted from 1; at least the first value.
  const auto rank = std::max<std::size_t>(1, (percent * sorted.size() + 99) / 100);
  return sorted[rank - 1];
}

TypeStatsTally::Sums& TypeStatsTally::of(std::string_view type) {
  auto found = by_type_.find(type);
  if (found == by_type_.end()) {
    found = by_type_.emplace(std::string(type), Sums{}).first;
    found->second.stats.type = type;
  }
  return found->second;
}

void TypeStatsTally::add_job(std::string_view type, OutcomeStatus status) {
  auto& stats = of(type).stats;
  ++stats.jobs;
  switch (status) {
    case OutcomeStatus::kSucceeded:
      ++stats.succeeded;
      break;
    case OutcomeStatus::kFailed:
      ++stats.dead;
      break;
    case OutcomeStatus::kCancelled:
      ++stats.cancelled;
      break;
  }
}

void TypeStatsTally::add_attempt(std::string_view type, OutcomeStatus job_status,
                                 const Attempt& attempt) {
  auto& sums = of(type);
  // A cancelled job's last attempt may never have run (cancelled while it waited): its run time
  // says nothing of the type.
  if (attempt.last && job_status != OutcomeStatus::kCancelled) {
    sums.run_us.push_back(attempt.run_us);
  }
  const bool ran = attempt.status != OutcomeStatus::kCancelled;
  if (!attempt.in_window || !ran) return;
  ++sums.stats.attempts;
  if (attempt.status == OutcomeStatus::kFailed) ++sums.stats.failed_attempts;
  if (attempt.cpu_us != 0) {
    sums.cpu_us_total += attempt.cpu_us;
    ++sums.cpu_measured;
  }
  sums.stats.max_rss_kb = std::max(sums.stats.max_rss_kb, attempt.max_rss_kb);
}

std::vector<TypeStats> TypeStatsTally::finish() {
  std::vector<TypeStats> types;
  types.reserve(by_type_.size());
  for (auto& [type, sums] : by_type_) {
    auto& stats = sums.stats;
    if (stats.attempts != 0) {
      stats.failure_rate =
          static_cast<double>(stats.failed_attempts) / static_cast<double>(stats.attempts);
    }
    if (!sums.run_us.empty()) {
      std::sort(sums.run_us.begin(), sums.run_us.end());
      stats.run = RunTimePercentiles{nearest_rank_percentile(sums.run_us, 50),
                                     nearest_rank_percentile(sums.run_us, 95),
                                     nearest_rank_percentile(sums.run_us, 99)};
    }
    if (sums.cpu_measured != 0) {
      stats.cpu_us_mean =
          static_cast<double>(sums.cpu_us_total) / static_cast<double>(sums.cpu_measured);
    }
    types.push_back(std::move(stats));
  }
  by_type_.clear();
  return types;
}

}  // namespace zpipe
