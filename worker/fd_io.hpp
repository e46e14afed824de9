// Whole reads and writes on a blocking file descriptor (a pipe, a temporary file), going on
// after a signal interrupts them. Header-only: the thumbnail plugin uses them too.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

namespace zpipe {

// Writes every byte; false when the descriptor refuses (errno says why).
inline bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Everything readable until end of file (for a pipe: until every writer has closed it) or an
// error.
inline std::string read_all(int fd) {
  std::string bytes;
  char buffer[65536];
  while (true) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace zpipe
