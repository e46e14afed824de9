// UTF-8 checks shared by the code that turns payloads into JSON text and that cuts texts short.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace zpipe {

// The length of the well-formed UTF-8 character (RFC 3629: no overlong forms, no surrogates,
// nothing past U+10FFFF) that `text` starts with, or 0 when it starts with none.
inline std::size_t utf8_char_length(std::string_view text) {
  const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char first = byte(0);
  if (first < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (first >= 0xC2 && first <= 0xDF) {
    length = 2;
  } else if (first >= 0xE0 && first <= 0xEF) {
    length = 3;
    if (first == 0xE0) low = 0xA0;
    if (first == 0xED) high = 0x9F;
  } else if (first >= 0xF0 && first <= 0xF4) {
    length = 4;
    if (first == 0xF0) low = 0x90;
    if (first == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// The longest start of `text` of at most `max_bytes` that cuts no UTF-8 character in two
// (a byte that starts none counts as one).
inline std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    const auto length = std::max<std::size_t>(1, utf8_char_length(text.substr(end)));
    if (end + length > max_bytes) break;
    end += length;
  }
  return std::string(text.substr(0, end));
}

}  // namespace zpipe
