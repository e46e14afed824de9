// How long to hold a job back, as `zpipe submit --in` takes it: "500ms", "90s", "5m", "2h", "1d".
#pragma once

#include <chrono>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

// The delay `text` names: a whole number of milliseconds ("500ms"), or a duration as
// parse_duration() reads it (s, m, h, d, w). Fails with kInvalid and a sentence that quotes the
// text and names the forms taken (zero included: a job to run at once needs no --in).
Result<std::chrono::milliseconds> parse_delay(std::string_view text);

}  // namespace zpipe
