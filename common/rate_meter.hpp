// RateMeter: a running count's rate per second between two readings, for the state events.
#pragma once

#include <chrono>
#include <cstdint>

namespace zpipe {

class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;

  // The rate since the previous reading (0 for the first), rounded down.
  std::uint64_t per_second(std::uint64_t count, Clock::time_point now = Clock::now()) {
    const double seconds = std::chrono::duration<double>(now - last_at_).count();
    const bool first = last_at_ == Clock::time_point{};
    const auto rate =
        first || seconds <= 0 || count < last_count_
            ? 0
            : static_cast<std::uint64_t>(static_cast<double>(count - last_count_) / seconds);
    last_at_ = now;
    last_count_ = count;
    return rate;
  }

 private:
  Clock::time_point last_at_{};
  std::uint64_t last_count_ = 0;
};

}  // namespace zpipe
