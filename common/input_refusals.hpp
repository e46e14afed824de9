// InputRefusals: what a program does with a message it refuses (malformed, the wrong kind, over
// a limit): counts it, logs it (at most ten lines a second, then how many went unlogged), and
// publishes input.refused for monitors. The sender learns nothing more; the program goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "common/event_publisher.hpp"
#include "common/rate_limiter.hpp"
#include "common/result.hpp"

namespace zpipe {

class InputRefusals {
 public:
  // Publishes an event (name, fields); empty: nothing is published.
  using Publish = std::function<void(std::string, std::map<std::string, std::string>)>;

  InputRefusals(std::shared_ptr<spdlog::logger> log, Publish publish)
      : log_(std::move(log)), publish_(std::move(publish)) {}
  // Through `events`, which may be null (nothing published) and must outlive this.
  InputRefusals(std::shared_ptr<spdlog::logger> log, EventPublisher* events)
      : InputRefusals(
            std::move(log), events == nullptr ? Publish() : [events](auto name, auto fields) {
              events->publish(std::move(name), std::move(fields));
            }) {}

  // A message on `socket` ("jobs", "outcomes", ...) was refused for `error`.
  void refuse(std::string_view socket, const Error& error) {
    ++count_;
    const auto code = std::string(to_string(error.code));
    if (log_limit_.allow()) {
      log_->warn("refused input on the {} socket: {}: {}{}", socket, code, error.message,
                 log_limit_.suppressed_note());
    }
    if (publish_) {
      publish_("input.refused",
               {{"socket", std::string(socket)}, {"code", code}, {"error", error.message}});
    }
  }
  std::uint64_t count() const { return count_; }

 private:
  std::shared_ptr<spdlog::logger> log_;
  Publish publish_;
  RateLimiter log_limit_;
  std::uint64_t count_ = 0;
};

}  // namespace zpipe
