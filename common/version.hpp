// Versions of zpipe and of its wire protocol.
#pragma once

#include <cstdint>
#include <string_view>

namespace zpipe {

inline constexpr std::string_view kZpipeVersion = "0.1.0";

// Carried as "v" in every message; docs/PROTOCOL.md describes this version.
inline constexpr std::uint64_t kProtocolVersion = 2;

}  // namespace zpipe
