// LatencyStats: percentiles of a set of latency samples, in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace zpipe::bench {

struct LatencyStats {
  std::size_t samples = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;

  static LatencyStats of(std::vector<std::int64_t> nanoseconds) {
    LatencyStats stats;
    stats.samples = nanoseconds.size();
    if (nanoseconds.empty()) return stats;
    std::sort(nanoseconds.begin(), nanoseconds.end());
    // Nearest rank: the smallest sample with at least q of all samples at or below it.
    const auto at = [&](double q) {
      const auto rank = static_cast<std::size_t>(q * static_cast<double>(nanoseconds.size()));
      return static_cast<double>(nanoseconds[std::min(rank, nanoseconds.size() - 1)]) / 1000.0;
    };
    stats.p50_us = at(0.50);
    stats.p99_us = at(0.99);
    stats.p999_us = at(0.999);
    stats.max_us = static_cast<double>(nanoseconds.back()) / 1000.0;
    return stats;
  }
};

}  // namespace zpipe::bench
