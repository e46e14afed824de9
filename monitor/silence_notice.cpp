#include "monitor/silence_notice.hpp"

#include <cmath>

namespace zpipe {
namespace {

std::string whole_seconds(std::chrono::steady_clock::duration d) {
  return std::to_string(std::lround(std::chrono::duration<double>(d).count())) + " s";
}

}  // namespace

SilenceNotice::SilenceNotice(std::string endpoint, Clock::time_point start,
                             std::chrono::milliseconds after)
    : endpoint_(std::move(endpoint)), after_(after), last_heard_(start) {}

std::optional<std::string> SilenceNotice::on_event(Clock::time_point now) {
  last_heard_ = now;
  heard_any_ = true;
  if (!noticed_) return std::nullopt;
  noticed_ = false;
  return "zpipe-monitor tail: events are arriving from " + endpoint_ + " again";
}

std::optional<std::string> SilenceNotice::on_tick(Clock::time_point now) {
  if (noticed_ || now - last_heard_ < after_) return std::nullopt;
  noticed_ = true;
  const auto silence = whole_seconds(now - last_heard_);
  if (heard_any_) {
    return "zpipe-monitor tail: no events from " + endpoint_ + " for " + silence +
           ": the ventilator (it hosts the event hub) has stopped or cannot be reached; "
           "still waiting";
  }
  return "zpipe-monitor tail: nothing is publishing at " + endpoint_ + " (nothing for " + silence +
         "): check that the ventilator runs (`zpipe status`; it hosts the event hub) and that "
         "--events-from (or ZPIPE_EVENTS) is its events-out; still waiting";
}

}  // namespace zpipe
