#include "front/delay_text.hpp"

#include <cstdint>
#include <string>

#include "common/duration_text.hpp"

namespace zpipe {
namespace {

// A day's worth of milliseconds is plenty for a unit meant for less than a second; larger
// values have a larger unit.
constexpr std::int64_t kMostMs = 24LL * 3600 * 1000;

Error invalid(std::string_view text) {
  return Error{ErrorCode::kInvalid, "'" + std::string(text) +
                                        "' is not a delay: give a whole number and a unit, ms, "
                                        "s, m, h, d or w, such as 500ms, 90s, 5m, 2h or 1d"};
}

}  // namespace

Result<std::chrono::milliseconds> parse_delay(std::string_view text) {
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    std::int64_t ms = 0;
    for (const char c : text.substr(0, text.size() - 2)) {
      if (c < '0' || c > '9') return invalid(text);
      ms = ms * 10 + (c - '0');
      if (ms > kMostMs) return invalid(text);
    }
    if (ms == 0) return invalid(text);
    return std::chrono::milliseconds(ms);
  }
  auto duration = parse_duration(text);
  if (!duration.ok()) return invalid(text);
  return duration;
}

}  // namespace zpipe
