// InputRefusals: what a program does with a message it refuses (malformed, the wrong kind, over
// a limit): counts it, logs it (at most ten lines a second, then how many went unlogged), and
// publishes input.refused for monitors. The sender learns nothing more; the program goes on.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "common/event_publisher.hpp"
#include "common/rate_limiter.hpp"
#include "common/result.hpp"

namespace zpipe {

class InputRefusals {
 public:
  // `events` may be null (nothing published); it must outlive this.
  InputRefusals(std::shared_ptr<spdlog::logger> log, EventPublisher* events)
      : log_(std::move(log)), events_(events) {}

  // A message on `socket` ("jobs", "outcomes", ...) was refused for `error`.
  void refuse(std::string_view socket, const Error& error) {
    ++count_;
    const auto code = std::string(to_string(error.code));
    if (log_limit_.allow()) {
      log_->warn("refused input on the {} socket: {}: {}{}", socket, code, error.message,
                 log_limit_.suppressed_note());
    }
    if (events_ != nullptr) {
      events_->publish("input.refused",
                       {{"socket", std::string(socket)}, {"code", code}, {"error", error.message}});
    }
  }
  std::uint64_t count() const { return count_; }

 private:
  std::shared_ptr<spdlog::logger> log_;
  EventPublisher* events_;
  RateLimiter log_limit_;
  std::uint64_t count_ = 0;
};

}  // namespace zpipe
