// Fuzzes Payload::to_json() and to_json_text() (common/payload.cpp), which turn a payload from
// the network into what people and handlers see: the JSON a handler reads its arguments from,
// the text the sink's store keeps of a result, what `zpipe show` and `zpipe failures` print.
// The input is one msgpack value, taken in as decode() takes a job's payload (a value decode()
// refuses never becomes a payload, so it is skipped); the raw input as a payload is tried too,
// for the "never throws" promise alone.
//
// Asserts, besides no crash, leak, uncaught exception or undefined behaviour (ASan, UBSan):
// - the text is JSON that Payload::parse_json() reads back, as the store does with a result;
// - reading it back and writing it again gives the same text (a result shows the same each
//   time it is read from the store);
// - to_json() describes a payload ("<msgpack N bytes>") only when JSON cannot hold it: a map
//   key that is not a string. Anything else decode() let in is shown as it is;
// - the direct writer (common/json_text.cpp), when it takes a value, gives the very text the
//   general path through nlohmann::json gives.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "common/json_text.hpp"
#include "common/payload.hpp"
#include "common/protocol.hpp"
#include "fuzz/property.hpp"

namespace zpipe {
namespace {

bool has_key_json_cannot_hold(const msgpack::object& o) {
  if (o.type == msgpack::type::ARRAY) {
    for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
      if (has_key_json_cannot_hold(o.via.array.ptr[i])) return true;
    }
  } else if (o.type == msgpack::type::MAP) {
    for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
      const auto& kv = o.via.map.ptr[i];
      if (kv.key.type != msgpack::type::STR || has_key_json_cannot_hold(kv.val)) return true;
    }
  }
  return false;
}

}  // namespace
}  // namespace zpipe

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)Payload::from_msgpack(bytes).to_json_text();

  // encode() copies the payload's bytes into the message as they are.
  const auto decoded =
      decode(encode(Job{"fuzz-1", "fuzz", Payload::from_msgpack(bytes), 1, 1, 0, 0}));
  if (!decoded.ok() || !std::holds_alternative<Job>(decoded.value())) return 0;
  const auto& payload = std::get<Job>(decoded.value()).payload;

  const auto json = payload.to_json();
  const auto text = payload.to_json_text();
  if (const auto direct = direct_json_text(payload.msgpack())) {
    fuzz::require(*direct == json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "the direct writer gives the general path's text");
  }
  const auto stored = Payload::parse_json(text);
  fuzz::require(stored.ok(), "to_json_text() is JSON that parse_json() reads");
  fuzz::require(stored.value().to_json_text() == text, "read back and written again: same text");
  const auto handle = msgpack::unpack(payload.msgpack().data(), payload.msgpack().size());
  const bool described = handle.get().type != msgpack::type::STR &&
                         json == "<msgpack " + std::to_string(payload.msgpack().size()) + " bytes>";
  if (described) {
    fuzz::require(has_key_json_cannot_hold(handle.get()),
                  "only what JSON cannot hold is described instead of shown");
  }
  return 0;
}
