// Fuzzes Payload::parse_json() (common/payload.cpp) on text as the outcome store reads a result
// back (common/outcome_store.cpp keeps results as JSON text; `zpipe show`, `zpipe failures` and
// the sink read it). The sink wrote that text, but the store is a file that damage, an edit or
// another program may change.
//
// Asserts, besides no crash, leak, uncaught exception or undefined behaviour (ASan, UBSan):
// parse_json() refuses with an Error rather than throwing; what it accepts is written out
// (to_json_text(), as the store writes) as text that reads back to the same payload and the
// same text again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/payload.hpp"
#include "fuzz/property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  const auto parsed =
      Payload::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.ok()) return 0;
  const auto text = parsed.value().to_json_text();
  const auto again = Payload::parse_json(text);
  fuzz::require(again.ok(), "what parse_json() read, written out, reads again");
  fuzz::require(again.value() == parsed.value(), "to the same payload");
  fuzz::require(again.value().to_json_text() == text, "and writes out to the same text");
  return 0;
}
