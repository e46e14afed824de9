// DurationHistograms: how long jobs ran, per type, as Prometheus histograms
// (zpipe_job_duration_seconds): each recorded job's final attempt, folded in as zpipe-web reads
// the store's new rows. Counts since zpipe-web started, as Prometheus counters are.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace zpipe {

class DurationHistograms {
 public:
  // Upper bounds in seconds, from a fast echo to a long thumbnail run; +Inf comes after.
  static constexpr std::array<double, 14> kBounds = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                     0.5,   1,     2.5,  5,     10,   30,  120};
  // Types kept apart, the first seen first; later ones are counted under kOtherTypes, so that a
  // producer making a type per job cannot grow the metrics without bound.
  static constexpr std::size_t kMaxTypes = 100;
  static constexpr const char* kOtherTypes = "_other";

  struct Series {
    std::array<std::uint64_t, kBounds.size() + 1> buckets{};  // per bucket, not cumulative
    double sum_s = 0;
    std::uint64_t count = 0;
  };

  void add(const std::string& type, std::uint64_t run_us);
  const std::map<std::string, Series>& by_type() const { return series_; }

 private:
  std::map<std::string, Series> series_;
};

}  // namespace zpipe
