// FinishRate: how fast the pipeline finishes jobs now, from the ventilator's counts sampled
// about every second; the measure behind the backlog's ETA that autoscaling acts on.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace zpipe {

class FinishRate {
 public:
  using Clock = std::chrono::steady_clock;
  // The rate is measured over this much of the latest samples.
  static constexpr std::chrono::seconds kWindow{5};
  // A rate measured over less than this is not said (nullopt).
  static constexpr std::chrono::milliseconds kShortest{1000};

  // `finished`: attempts ended since the ventilator started (succeeded, failed, cancelled);
  // `work`: jobs waiting for or held by a worker. A sample with no work starts the window again:
  // an idle spell says nothing of how fast a backlog goes.
  void add(Clock::time_point at, std::uint64_t finished, std::uint64_t work);
  // Starts the window again from the latest sample (after the workers changed).
  void restart();

  // Jobs finished per second over the window; nullopt until it spans kShortest.
  std::optional<double> per_second() const;
  // Time to finish `work` at per_second(); nullopt when that is unknown or zero.
  std::optional<std::chrono::milliseconds> eta() const;
  std::uint64_t work() const { return samples_.empty() ? 0 : samples_.back().work; }
  // How long nothing has finished while there was work; zero when something did lately.
  std::chrono::milliseconds stalled_for() const;

 private:
  struct Sample {
    Clock::time_point at;
    std::uint64_t finished;
    std::uint64_t work;
  };
  std::deque<Sample> samples_;
  std::optional<Clock::time_point> last_progress_;  // when `finished` last grew, or work began
};

}  // namespace zpipe
