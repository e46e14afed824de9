// Moments in time as people and scripts type them (a job to run at a given time): RFC 3339 in
// any offset, or Unix seconds; and written back in RFC 3339, UTC. For local clock time and "3m
// ago", see front/time_text.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

// The moment `text` names, in milliseconds since the Unix epoch. Takes
//  - RFC 3339: "2026-12-24T18:00:00Z", "2026-12-24T18:00:00.250+01:00", with a lowercase t or z,
//    or a space for the T; fractions of a second past milliseconds are cut off;
//  - Unix seconds, whole or with a fraction: "1798135200", "1798135200.5".
// Blanks around the text are ignored. Fails with kInvalid and a sentence that quotes the text and
// says what was wrong and what is taken, for anything else: a time with no offset (which zone?),
// a date that does not exist (2026-02-29), a leap second (Unix time has none), a moment before
// 1970 or after 9999.
Result<std::uint64_t> parse_time_point(std::string_view text);

// `unix_ms` in RFC 3339, UTC: "2026-12-24T18:00:00Z", or "2026-12-24T18:00:00.250Z" when the
// milliseconds are not 0. parse_time_point() reads it back to the same value.
std::string format_time_point(std::uint64_t unix_ms);

}  // namespace zpipe
