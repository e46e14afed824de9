#include "front/time_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace zpipe {
namespace {

// "12s", "3m", "5h", "4d": the largest unit that fits, rounded down.
std::string span(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 60 * 60) return std::to_string(s / 60) + "m";
  if (s < 48 * 60 * 60) return std::to_string(s / (60 * 60)) + "h";
  return std::to_string(s / (24 * 60 * 60)) + "d";
}

}  // namespace

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string relative_time(std::int64_t then_ms, std::int64_t now_ms) {
  if (then_ms == 0) return "-";
  const auto ago = now_ms - then_ms;
  if (ago < 0) return ago > -1000 ? "just now" : "in " + span(-ago);
  if (ago < 1000) return "just now";
  return span(ago) + " ago";
}

std::string local_time(std::int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char text[40];
  const auto length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(text + length, sizeof text - length, ".%03d", static_cast<int>(unix_ms % 1000));
  return text;
}

}  // namespace zpipe
