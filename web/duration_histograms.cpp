#include "web/duration_histograms.hpp"

#include <algorithm>

namespace zpipe {

void DurationHistograms::add(const std::string& type, std::uint64_t run_us) {
  auto it = series_.find(type);
  if (it == series_.end()) {
    const auto counted = series_.size() - (series_.contains(kOtherTypes) ? 1 : 0);
    it = series_.try_emplace(counted < kMaxTypes ? type : std::string(kOtherTypes)).first;
  }
  auto& series = it->second;
  const double seconds = static_cast<double>(run_us) / 1e6;
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
  ++series.buckets[static_cast<std::size_t>(bucket)];
  series.sum_s += seconds;
  ++series.count;
}

}  // namespace zpipe
