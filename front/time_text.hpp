// How the front shows moments in time to a person: local clock time ("2026-12-03 14:05:09.123")
// and how long ago ("3m ago").
#pragma once

#include <cstdint>
#include <string>

namespace zpipe {

// Milliseconds since the Unix epoch, now.
std::int64_t unix_now_ms();

// How long before `now_ms` the moment `then_ms` was (both ms since the Unix epoch), rounded
// down to its largest unit: "just now" (under a second), "12s ago", "3m ago", "5h ago" (under
// two days), "4d ago"; a moment to come is "in 12s"; "-" when `then_ms` is 0 (never happened).
std::string relative_time(std::int64_t then_ms, std::int64_t now_ms);

// `unix_ms` as local time, to the millisecond: "2026-12-03 14:05:09.123"; "-" when 0.
std::string local_time(std::int64_t unix_ms);

}  // namespace zpipe
