#include "common/payload.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"
#include "common/utf8.hpp"

namespace zpipe {
namespace {

constexpr char kMsgpackNil = static_cast<char>(0xc0);

// Replaces each byte that starts no UTF-8 character with U+FFFD; returns whether any did.
bool repair_utf8(std::string& text) {
  std::string repaired;
  bool changed = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto length = utf8_char_length(std::string_view(text).substr(i));
    if (length == 0) {
      if (!changed) repaired.assign(text, 0, i);
      changed = true;
      repaired += "\xEF\xBF\xBD";
      ++i;
    } else {
      if (changed) repaired.append(text, i, length);
      i += length;
    }
  }
  if (changed) text = std::move(repaired);
  return changed;
}

// JSON is UTF-8, msgpack strings need not be. Repairing them here, rather than only when the
// text is written, gives handlers JSON that dump() takes, and keeps an object's keys in the
// order of what they become: the text then reads back to the same text (keys that differ only
// in bytes that are not UTF-8 become one).
void repair_utf8(nlohmann::json& value) {
  if (value.is_string()) {
    repair_utf8(value.get_ref<std::string&>());
  } else if (value.is_array()) {
    for (auto& element : value) repair_utf8(element);
  } else if (value.is_object()) {
    bool keys_changed = false;
    for (auto& [key, element] : value.items()) {
      repair_utf8(element);
      std::string copy = key;
      keys_changed = repair_utf8(copy) || keys_changed;
    }
    if (!keys_changed) return;
    auto repaired = nlohmann::json::object();
    for (auto& [key, element] : value.items()) {
      std::string copy = key;
      repair_utf8(copy);
      repaired[copy] = std::move(element);
    }
    value = std::move(repaired);
  }
}

}  // namespace

Payload::Payload() : bytes_(1, kMsgpackNil) {}

void Payload::clear() { std::string(1, kMsgpackNil).swap(bytes_); }

Payload Payload::from_msgpack(std::string bytes) { return Payload(std::move(bytes)); }

Payload Payload::from_json(const nlohmann::json& value) {
  std::string bytes;
  nlohmann::json::to_msgpack(value, nlohmann::detail::output_adapter<char>(bytes));
  return Payload(std::move(bytes));
}

Result<Payload> Payload::parse_json(std::string_view text) {
  try {
    return from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kInvalid, std::string("payload is not valid JSON: ") + e.what());
  }
}

bool Payload::is_nil() const { return bytes_.size() == 1 && bytes_[0] == kMsgpackNil; }

nlohmann::json Payload::to_json() const {
  try {
    auto value = nlohmann::json::from_msgpack(bytes_);
    repair_utf8(value);
    return value;
  } catch (const nlohmann::json::exception&) {
    return "<msgpack " + std::to_string(bytes_.size()) + " bytes>";
  }
}

std::string Payload::to_json_text() const {
  std::string text;
  write_json_text(text);
  return text;
}

void Payload::write_json_text(std::string& out) const {
  if (write_direct_json_text(bytes_, out)) return;
  out = to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zpipe
