#include "common/json_text.hpp"

#include <cstdint>

#include "common/utf8.hpp"

namespace zpipe {
namespace {

// Reads msgpack from `in` and writes JSON to `out`; false when the value is not one it takes.
class Writer {
 public:
  Writer(std::string_view in, std::string& out) : in_(in), out_(out) {}

  bool value() {
    if (at_ >= in_.size()) return false;
    const auto tag = byte(at_++);
    if (tag <= 0x7f) return unsigned_number(tag);
    if (tag >= 0xe0) return signed_number(static_cast<std::int8_t>(tag));
    if (tag >= 0x80 && tag <= 0x8f) return map(tag & 0x0fu);
    if (tag >= 0x90 && tag <= 0x9f) return array(tag & 0x0fu);
    if (tag >= 0xa0 && tag <= 0xbf) return string(tag & 0x1fu);
    switch (tag) {
      case 0xc0:
        out_ += "null";
        return true;
      case 0xc2:
        out_ += "false";
        return true;
      case 0xc3:
        out_ += "true";
        return true;
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf: {
        std::uint64_t n = 0;
        return big_endian(std::size_t{1} << (tag - 0xcc), n) && unsigned_number(n);
      }
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        const std::size_t size = std::size_t{1} << (tag - 0xd0);
        std::uint64_t n = 0;
        if (!big_endian(size, n)) return false;
        // Sign-extend from `size` bytes.
        const unsigned shift = 64 - 8 * static_cast<unsigned>(size);
        return signed_number(static_cast<std::int64_t>(n << shift) >> shift);
      }
      case 0xd9:
      case 0xda:
      case 0xdb: {
        std::uint64_t n = 0;
        return big_endian(std::size_t{1} << (tag - 0xd9), n) && string(n);
      }
      case 0xdc:
      case 0xdd: {
        std::uint64_t n = 0;
        return big_endian(std::size_t{2} << (tag - 0xdc), n) && array(n);
      }
      case 0xde:
      case 0xdf: {
        std::uint64_t n = 0;
        return big_endian(std::size_t{2} << (tag - 0xde), n) && map(n);
      }
      default:
        return false;  // floats, binary, extensions, 0xc1
    }
  }

  bool finished() const { return at_ == in_.size(); }

 private:
  unsigned byte(std::size_t i) const { return static_cast<unsigned char>(in_[i]); }

  bool big_endian(std::size_t size, std::uint64_t& n) {
    if (in_.size() - at_ < size) return false;
    for (std::size_t i = 0; i < size; ++i) n = (n << 8) | byte(at_ + i);
    at_ += size;
    return true;
  }

  bool unsigned_number(std::uint64_t n) {
    out_ += std::to_string(n);
    return true;
  }
  bool signed_number(std::int64_t n) {
    out_ += std::to_string(n);
    return true;
  }

  bool array(std::uint64_t count) {
    out_ += '[';
    for (std::uint64_t i = 0; i < count; ++i) {
      if (i > 0) out_ += ',';
      if (!value()) return false;
    }
    out_ += ']';
    return true;
  }

  // nlohmann::json keeps keys in a std::map: in byte order, each once. Keys sent in that
  // order come out as they are; any other order goes to the general path.
  bool map(std::uint64_t count) {
    out_ += '{';
    std::string_view previous;
    for (std::uint64_t i = 0; i < count; ++i) {
      if (i > 0) out_ += ',';
      std::string_view key;
      if (!string_key(key) || (i > 0 && !(previous < key))) return false;
      previous = key;
      out_ += ':';
      if (!value()) return false;
    }
    out_ += '}';
    return true;
  }

  bool string_key(std::string_view& key) {
    if (at_ >= in_.size()) return false;
    const auto tag = byte(at_++);
    std::uint64_t size = 0;
    if (tag >= 0xa0 && tag <= 0xbf) {
      size = tag & 0x1fu;
    } else if (tag >= 0xd9 && tag <= 0xdb) {
      if (!big_endian(std::size_t{1} << (tag - 0xd9), size)) return false;
    } else {
      return false;
    }
    if (in_.size() - at_ < size) return false;
    key = in_.substr(at_, size);
    return string_text(key);
  }

  bool string(std::uint64_t size) {
    if (in_.size() - at_ < size) return false;
    return string_text(in_.substr(at_, size));
  }

  // Escaped as nlohmann::json's dump() escapes, without ensure_ascii: quote, backslash and
  // the control characters; all else is copied. Only well-formed UTF-8 is taken.
  bool string_text(std::string_view text) {
    at_ += text.size();
    out_ += '"';
    for (std::size_t i = 0; i < text.size();) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x80) {
        const auto length = utf8_char_length(text.substr(i));
        if (length == 0) return false;
        out_.append(text, i, length);
        i += length;
        continue;
      }
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (c < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 0x0f];
          } else {
            out_ += static_cast<char>(c);
          }
      }
      ++i;
    }
    out_ += '"';
    return true;
  }

  std::string_view in_;
  std::string& out_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::string> direct_json_text(std::string_view msgpack) {
  std::string text;
  if (!write_direct_json_text(msgpack, text)) return std::nullopt;
  return text;
}

bool write_direct_json_text(std::string_view msgpack, std::string& out) {
  out.clear();
  out.reserve(msgpack.size() + msgpack.size() / 4 + 8);
  Writer writer(msgpack, out);
  return writer.value() && writer.finished();
}

}  // namespace zpipe
