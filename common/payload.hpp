// Payload: the free-form data of a job or a result, held as one encoded msgpack value so that it
// crosses the pipeline unchanged. JSON is the human-facing form (CLI, store, logs).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"

namespace zpipe {

class Payload {
 public:
  Payload();  // msgpack nil

  // Precondition: `bytes` is exactly one valid msgpack value (the decoder guarantees it).
  static Payload from_msgpack(std::string bytes);
  static Payload from_json(const nlohmann::json& value);
  // Fails with kInvalid and the parser's message when `text` is not JSON.
  static Result<Payload> parse_json(std::string_view text);

  const std::string& msgpack() const { return bytes_; }
  bool is_nil() const;
  // Becomes nil and gives its memory back (assigning a nil Payload would keep the capacity of a
  // large one: std::string's move keeps its buffer when the source is short).
  void clear();

  // Never throws: a value JSON cannot express (binary, non-string map keys) becomes a
  // description string such as "<msgpack 12 bytes>". Strings and keys are UTF-8: each byte
  // that starts no UTF-8 character becomes U+FFFD.
  nlohmann::json to_json() const;
  std::string to_json_text() const;
  // The same into `out`, replacing what it held and keeping its room (for a buffer used again).
  void write_json_text(std::string& out) const;

  friend bool operator==(const Payload&, const Payload&) = default;

 private:
  explicit Payload(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace zpipe
