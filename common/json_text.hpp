// direct_json_text: the JSON text of a msgpack value, written straight from its bytes. The
// sink stores every result as JSON text; going through nlohmann::json's tree cost a fifth of
// the sink's time per outcome. Payload::to_json_text() tries this first.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zpipe {

// The text Payload's general path (nlohmann::json, compact, keys in byte order) gives for
// `msgpack`, for values made of nil, booleans, integers, UTF-8 strings, arrays and maps whose
// string keys come in strictly increasing byte order. std::nullopt for anything else (floats,
// binary, extensions, other keys, strings that are not UTF-8, bytes that are not one msgpack
// value): the general path handles those.
std::optional<std::string> direct_json_text(std::string_view msgpack);
// The same into `out` (replacing what it held, keeping its room: a buffer used again for every
// outcome allocates nothing once grown). False, with `out` unspecified, where the above gives
// std::nullopt.
bool write_direct_json_text(std::string_view msgpack, std::string& out);

}  // namespace zpipe
