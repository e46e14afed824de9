// Durations as people type them on a command line: a whole number and one unit, "90s", "90m",
// "12h", "30d", "2w" (zpipe prune --older-than, zpipe-sink --keep).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

// The duration `text` names: digits then one of s, m, h, d (24 h), w (7 d). Fails with kInvalid
// and a sentence naming the accepted forms for anything else (no unit, a sign, a fraction, zero,
// or more than about 100 years).
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The duration written back in its largest whole unit: 2w, 30d, 36h, 90m, 5s.
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace zpipe
