// How long something has waited or lasted, in a few characters for a table's column: what
// `zpipe workers` and `zpipe queues` print, and `zpipe-monitor top` in its queues panel.
#pragma once

#include <cstdint>
#include <string>

namespace zpipe {

// A short age: "0.4s" under 10 seconds, then "12s", "3m", "5h", "4d".
std::string short_age(std::uint64_t ms);

}  // namespace zpipe
