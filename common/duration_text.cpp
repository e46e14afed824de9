#include "common/duration_text.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace zpipe {
namespace {

using std::chrono::milliseconds;

// Largest first: duration_text() writes the first unit that divides the duration.
constexpr std::array<std::pair<char, std::int64_t>, 5> kUnits{{{'w', 7 * 24 * 3600 * 1000LL},
                                                               {'d', 24 * 3600 * 1000LL},
                                                               {'h', 3600 * 1000LL},
                                                               {'m', 60 * 1000LL},
                                                               {'s', 1000LL}}};
// A century: larger numbers would overflow the millisecond count long before they meant
// anything.
constexpr std::int64_t kLongestMs = 100LL * 366 * 24 * 3600 * 1000;

Error invalid(std::string_view text, std::string_view why) {
  return Error{ErrorCode::kInvalid, "'" + std::string(text) + "' is not a duration (" +
                                        std::string(why) +
                                        "): give a whole number and a unit, s, m, h, d or w, "
                                        "such as 90m, 12h, 30d or 2w"};
}

}  // namespace

Result<milliseconds> parse_duration(std::string_view text) {
  if (text.size() < 2) return invalid(text, "too short");
  const auto digits = text.substr(0, text.size() - 1);
  std::int64_t unit_ms = 0;
  for (const auto& [name, ms] : kUnits) {
    if (text.back() == name) unit_ms = ms;
  }
  if (unit_ms == 0) return invalid(text, "no unit");
  std::int64_t count = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return invalid(text, "not a whole number");
    count = count * 10 + (c - '0');
    if (count > kLongestMs / unit_ms) return invalid(text, "longer than a century");
  }
  if (count == 0) return invalid(text, "zero");
  return milliseconds(count * unit_ms);
}

std::string duration_text(milliseconds duration) {
  const auto ms = duration.count();
  for (const auto& [name, unit_ms] : kUnits) {
    if (ms != 0 && ms % unit_ms == 0) return std::to_string(ms / unit_ms) + name;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace zpipe
