// DiskFullNotice: how a program says that its disk is full, and that there is room again. The
// first time, and every kRepeat while it lasts, it logs a warning and publishes a `disk.full`
// event (the ventilator's hub keeps the latest per program for `zpipe status`); when room
// returns, an info line and a `disk.room` event with how long it lasted.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "common/event_publisher.hpp"

namespace zpipe {

class DiskFullNotice {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kRepeat{5};

  DiskFullNotice(std::shared_ptr<spdlog::logger> log, EventPublisher* events)
      : log_(std::move(log)), events_(events) {}

  // The disk is full: `what` says what is held back and where ("cannot record outcomes: ...").
  void full(const std::string& what, Clock::time_point now = Clock::now());
  // There is room again (a no-op when the disk was not full).
  void room(Clock::time_point now = Clock::now());
  bool is_full() const { return since_.has_value(); }

 private:
  std::shared_ptr<spdlog::logger> log_;
  EventPublisher* events_;
  std::optional<Clock::time_point> since_;
  Clock::time_point said_at_{};
};

}  // namespace zpipe
