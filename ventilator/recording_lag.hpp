// How late the sink records outcomes, from the `lag_ms` of its acks: the most seen over the
// last two windows of kWindowMs, so that one quick batch among slow ones does not hide the
// backlog. With no acks at all (the sink is down) the last figure stays: the outcomes queued
// toward it have not got any younger.
#pragma once

#include <algorithm>
#include <cstdint>

namespace zpipe {

class RecordingLag {
 public:
  static constexpr std::uint64_t kWindowMs = 2000;
  // A worker's clock far behind the sink's would read as a huge lag: this much at most.
  static constexpr std::uint64_t kMostMs = 10 * 60 * 1000;

  void note(std::uint64_t lag_ms, std::uint64_t now_ms) {
    if (now_ms >= window_start_ms_ + kWindowMs) {
      previous_max_ms_ = now_ms >= window_start_ms_ + 2 * kWindowMs ? 0 : window_max_ms_;
      window_max_ms_ = 0;
      window_start_ms_ = now_ms;
    }
    window_max_ms_ = std::max(window_max_ms_, std::min(lag_ms, kMostMs));
  }

  std::uint64_t ms() const { return std::max(window_max_ms_, previous_max_ms_); }

 private:
  std::uint64_t window_start_ms_ = 0;
  std::uint64_t window_max_ms_ = 0;
  std::uint64_t previous_max_ms_ = 0;
};

}  // namespace zpipe
