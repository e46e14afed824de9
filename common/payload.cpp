#include "common/payload.hpp"

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace zpipe {
namespace {
constexpr char kMsgpackNil = static_cast<char>(0xc0);
}

Payload::Payload() : bytes_(1, kMsgpackNil) {}

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
    return nlohmann::json::from_msgpack(bytes_);
  } catch (const nlohmann::json::exception&) {
    return "<msgpack " + std::to_string(bytes_.size()) + " bytes>";
  }
}

std::string Payload::to_json_text() const {
  return to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zpipe
