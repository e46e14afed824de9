// Wall-clock time as carried on the wire: milliseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace zpipe {

inline std::uint64_t unix_ms_now() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace zpipe
