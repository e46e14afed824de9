#include "common/msgpack_map_scan.hpp"

#include <cstddef>

namespace zpipe {
namespace {

// One msgpack value's head, stepped past together with its own bytes (a string's text, a
// number, an ext's data), but not with the values inside it (an array's, a map's).
struct Head {
  std::uint64_t inner = 0;  // values inside: n for an array, 2n for a map
  bool is_map = false;
  std::optional<std::string_view> text;  // a string's bytes
  std::optional<std::uint64_t> natural;  // a non-negative integer's value
};

// Walks msgpack bytes head by head (https://github.com/msgpack/msgpack/blob/master/spec.md).
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}

  // The next value's head; nullopt when the bytes end first or the byte is never msgpack.
  std::optional<Head> next() {
    const auto first = number(1);
    if (!first) return std::nullopt;
    const auto b = static_cast<std::uint8_t>(*first);
    Head head;
    if (b <= 0x7f) {
      head.natural = b;
    } else if (b <= 0x8f) {
      head.is_map = true;
      head.inner = 2u * (b & 0x0fu);
    } else if (b <= 0x9f) {
      head.inner = b & 0x0fu;
    } else if (b <= 0xbf) {
      head.text = take(b & 0x1fu);
      if (!head.text) return std::nullopt;
    } else if (b >= 0xe0) {
      // a negative fixint: nothing more to read
    } else if (!read_rest(b, head)) {
      return std::nullopt;
    }
    return head;
  }

  // Steps over `count` whole values, nested ones included, without recursion; false when the
  // bytes end first or are not msgpack.
  bool skip(std::uint64_t count) {
    while (count > 0) {
      // Every value takes a byte at least: more values than bytes left cannot be there (and
      // the count stays far from overflowing).
      if (count > bytes_.size() - at_) return false;
      const auto head = next();
      if (!head) return false;
      count = count - 1 + head->inner;
    }
    return true;
  }

 private:
  // The heads from 0xc0 to 0xdf: what follows the first byte.
  bool read_rest(std::uint8_t b, Head& head) {
    switch (b) {
      case 0xc0:  // nil
      case 0xc2:  // false
      case 0xc3:  // true
        return true;
      case 0xc4:  // bin 8, 16, 32
      case 0xc5:
      case 0xc6:
        return skip_sized(std::size_t{1} << (b - 0xc4), 0);
      case 0xc7:  // ext 8, 16, 32: a length, a type byte, the data
      case 0xc8:
      case 0xc9:
        return skip_sized(std::size_t{1} << (b - 0xc7), 1);
      case 0xca:  // float 32, 64
        return advance(4);
      case 0xcb:
        return advance(8);
      case 0xcc:  // uint 8, 16, 32, 64
      case 0xcd:
      case 0xce:
      case 0xcf:
        head.natural = number(std::size_t{1} << (b - 0xcc));
        return head.natural.has_value();
      case 0xd0:  // int 8, 16, 32, 64: a natural number when the sign bit is clear
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        const std::size_t width = std::size_t{1} << (b - 0xd0);
        const auto value = number(width);
        if (!value) return false;
        if ((*value >> (8 * width - 1)) == 0) head.natural = value;
        return true;
      }
      case 0xd4:  // fixext 1, 2, 4, 8, 16: a type byte, the data
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return advance(1 + (std::size_t{1} << (b - 0xd4)));
      case 0xd9:  // str 8, 16, 32
      case 0xda:
      case 0xdb: {
        const auto length = number(std::size_t{1} << (b - 0xd9));
        if (!length) return false;
        head.text = take(*length);
        return head.text.has_value();
      }
      case 0xdc:  // array 16, 32
      case 0xdd: {
        const auto size = number(std::size_t{2} << (b - 0xdc));
        if (!size) return false;
        head.inner = *size;
        return true;
      }
      case 0xde:  // map 16, 32
      case 0xdf: {
        const auto size = number(std::size_t{2} << (b - 0xde));
        if (!size) return false;
        head.is_map = true;
        head.inner = 2 * *size;
        return true;
      }
      default:  // 0xc1: never used
        return false;
    }
  }

  // A big-endian unsigned number of `width` bytes (at most 8), stepped past.
  std::optional<std::uint64_t> number(std::size_t width) {
    if (bytes_.size() - at_ < width) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<std::uint8_t>(bytes_[at_ + i]);
    }
    at_ += width;
    return value;
  }

  // A length of `width` bytes, then `extra` bytes, then that many bytes, all stepped past.
  bool skip_sized(std::size_t width, std::size_t extra) {
    const auto length = number(width);
    return length && advance(extra) && advance(*length);
  }

  bool advance(std::uint64_t count) { return take(count).has_value(); }

  std::optional<std::string_view> take(std::uint64_t count) {
    if (bytes_.size() - at_ < count) return std::nullopt;
    const auto taken = bytes_.substr(at_, static_cast<std::size_t>(count));
    at_ += static_cast<std::size_t>(count);
    return taken;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<std::uint64_t> scan_top_level_unsigned(std::string_view bytes, std::string_view key) {
  Cursor cursor(bytes);
  const auto top = cursor.next();
  if (!top || !top->is_map) return std::nullopt;
  for (std::uint64_t entry = 0; entry < top->inner / 2; ++entry) {
    const auto name = cursor.next();
    if (!name) return std::nullopt;
    if (name->text == key) {
      const auto value = cursor.next();
      return value ? value->natural : std::nullopt;
    }
    // A key that is an array or a map has values inside it too.
    if (!cursor.skip(name->inner) || !cursor.skip(1)) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace zpipe
