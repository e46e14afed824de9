// SilenceNotice: what `zpipe-monitor tail` says on stderr when no event arrives. A running
// pipeline is never silent (the ventilator's state goes out every second), so a few seconds of
// nothing mean that nothing publishes at the endpoint: one line says so and what to check, and
// one more when events come back. The clock is passed in, so tests drive it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace zpipe {

class SilenceNotice {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kAfter{2500};

  SilenceNotice(std::string endpoint, Clock::time_point start,
                std::chrono::milliseconds after = kAfter);

  // An event arrived: after a notice, the line saying events arrive again; else nothing.
  [[nodiscard]] std::optional<std::string> on_event(Clock::time_point now);
  // Time went by: once per silence of `after` or more, the notice; else nothing.
  [[nodiscard]] std::optional<std::string> on_tick(Clock::time_point now);
  // When on_tick may next have something to say: a poll's deadline.
  Clock::time_point next_check() const { return last_heard_ + after_; }
  bool has_noticed() const { return noticed_; }  // the notice is out, no event since

 private:
  std::string endpoint_;
  std::chrono::milliseconds after_;
  Clock::time_point last_heard_;  // the start, then the last event
  bool heard_any_ = false;
  bool noticed_ = false;  // the notice for this silence is out
};

}  // namespace zpipe
