#include "common/short_age.hpp"

#include <cstdio>

namespace zpipe {

std::string short_age(std::uint64_t ms) {
  if (ms < 10'000) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000);
    return text;
  }
  const auto s = ms / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 120 * 60) return std::to_string(s / 60) + "m";
  if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

}  // namespace zpipe
