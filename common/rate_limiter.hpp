// RateLimiter: lets through at most `per_second` occurrences per second and counts the rest,
// so that a flood of bad input cannot flood the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace zpipe {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(std::uint32_t per_second = 10) : per_second_(per_second) {}

  // True when this occurrence may be logged. Not thread-safe.
  bool allow(Clock::time_point now = Clock::now()) {
    if (now - window_start_ >= std::chrono::seconds(1)) {
      window_start_ = now;
      in_window_ = 0;
    }
    if (in_window_ < per_second_) {
      ++in_window_;
      return true;
    }
    ++suppressed_;
    return false;
  }
  // Occurrences refused since the last call; resets the count.
  std::uint64_t take_suppressed() {
    const auto n = suppressed_;
    suppressed_ = 0;
    return n;
  }
  // " (N more not logged)" for the line being logged now, or "" when none were held back.
  std::string suppressed_note() {
    const auto n = take_suppressed();
    return n == 0 ? std::string() : " (" + std::to_string(n) + " more not logged)";
  }

 private:
  std::uint32_t per_second_;
  Clock::time_point window_start_{};
  std::uint32_t in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace zpipe
