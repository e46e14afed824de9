#include "common/disk_space.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>

namespace zpipe {

std::uint64_t DiskSpace::reserve_bytes() const {
  constexpr std::uint64_t kMiB = 1 << 20;
  return std::clamp<std::uint64_t>(total_bytes / 10, 8 * kMiB, 256 * kMiB);
}

std::optional<DiskSpace> disk_space_of(const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
  return DiskSpace{static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize,
                   static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize};
}

std::string mebibytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

}  // namespace zpipe
