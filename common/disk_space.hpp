// How much room the filesystem of a data directory has, and how much of it the stores keep in
// reserve: a ventilator refuses new jobs once less than the reserve is free, so that the room
// left goes to recording the outcomes of the jobs it holds, not to taking more.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace zpipe {

struct DiskSpace {
  std::uint64_t free_bytes = 0;   // what this process may still write
  std::uint64_t total_bytes = 0;  // the filesystem's size

  // A tenth of the filesystem, at least 8 MiB and at most 256 MiB.
  std::uint64_t reserve_bytes() const;
  // `bytes` more would leave less than the reserve free.
  bool too_full_for(std::uint64_t bytes) const { return free_bytes < reserve_bytes() + bytes; }
};

// std::nullopt when the filesystem cannot be asked (then nothing is refused for it).
std::optional<DiskSpace> disk_space_of(const std::filesystem::path& dir);

// "3.2 MiB"
std::string mebibytes(std::uint64_t bytes);

}  // namespace zpipe
