#include "common/queue_name.hpp"

#include "common/decode_limits.hpp"

namespace zpipe {

std::optional<std::string> queue_name_problem(std::string_view name) {
  if (name.empty()) return "the queue name must not be empty";
  if (name.size() > kMaxNameBytes) {
    return "the queue name is longer than " + std::to_string(kMaxNameBytes) + " bytes";
  }
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == 0x7f || c == ',' || c == ':') {
      return "the queue name \"" + std::string(name) +
             "\" may not hold spaces, control characters, ',' or ':'";
    }
  }
  return std::nullopt;
}

}  // namespace zpipe
