// Reads one field of the msgpack map that a message begins with, without unpacking the message:
// values before the field are stepped over, not built, so that no size or depth limit applies.
// For what a refusal must still say about a message that decode() refused (its "req").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace zpipe {

// The non-negative integer under `key` in the map that `bytes` begin with. The first string key
// equal to `key` counts, as in decode(); an integer is read whatever its msgpack width or
// signedness (int8 5 is 5, as msgpack-c reads it). nullopt when the bytes do not begin with a
// map, when the key is absent or lies past bytes that are not msgpack or end early, or when its
// value is not a non-negative integer. Whatever follows the field is not looked at. Takes time
// linear in the bytes before the field and no memory beyond a few counters.
std::optional<std::uint64_t> scan_top_level_unsigned(std::string_view bytes, std::string_view key);

}  // namespace zpipe
