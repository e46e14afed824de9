#include "front/finish_rate.hpp"

#include <cmath>

namespace zpipe {

void FinishRate::add(Clock::time_point at, std::uint64_t finished, std::uint64_t work) {
  const bool progressed = !samples_.empty() && finished != samples_.back().finished;
  const bool work_began = !samples_.empty() && samples_.back().work == 0 && work > 0;
  if (samples_.empty() || progressed || work_began) last_progress_ = at;
  // A restart of the ventilator counts from zero again: start over rather than go backwards.
  if (!samples_.empty() && finished < samples_.back().finished) samples_.clear();
  // Idle: the window starts again here, so that a backlog is measured from when it came.
  if (work == 0) samples_.clear();
  samples_.push_back({at, finished, work});
  while (samples_.size() > 2 && at - samples_[1].at >= kWindow) samples_.pop_front();
}

void FinishRate::restart() {
  while (samples_.size() > 1) samples_.pop_front();
}

std::optional<double> FinishRate::per_second() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto span = samples_.back().at - samples_.front().at;
  if (span < kShortest) return std::nullopt;
  const double seconds = std::chrono::duration<double>(span).count();
  return static_cast<double>(samples_.back().finished - samples_.front().finished) / seconds;
}

std::optional<std::chrono::milliseconds> FinishRate::eta() const {
  const auto rate = per_second();
  if (!rate || *rate <= 0) return std::nullopt;
  const double ms = static_cast<double>(work()) / *rate * 1000.0;
  if (ms > 1e15) return std::nullopt;  // centuries: as good as never
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(ms)));
}

std::chrono::milliseconds FinishRate::stalled_for() const {
  if (samples_.empty() || work() == 0 || !last_progress_) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(samples_.back().at -
                                                               *last_progress_);
}

}  // namespace zpipe
