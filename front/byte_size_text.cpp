#include "front/byte_size_text.hpp"

#include <cstdio>

#include "common/plural.hpp"

namespace zpipe {

std::string byte_size_text(std::uint64_t bytes) {
  if (bytes < 1024) return count_noun(bytes, "byte");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (size >= 1024 && unit + 1 < std::size(units)) {
    size /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", size, units[unit]);
  return text;
}

}  // namespace zpipe
