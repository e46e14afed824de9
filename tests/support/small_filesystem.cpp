#include "tests/support/small_filesystem.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace zpipe::test {

SmallFilesystem::SmallFilesystem(std::filesystem::path folder, std::uint64_t bytes, Access access)
    : folder_(std::move(folder)) {
  std::filesystem::create_directories(folder_);
  const auto options = "size=" + std::to_string(bytes);
  const unsigned long flags =
      MS_NOSUID | MS_NODEV |
      (access == Access::kReadOnly ? static_cast<unsigned long>(MS_RDONLY) : 0UL);
  if (::mount("tmpfs", folder_.c_str(), "tmpfs", flags, options.c_str()) != 0) {
    throw std::runtime_error("cannot mount a tmpfs on " + folder_.string() + ": " +
                             std::strerror(errno));
  }
}

SmallFilesystem::~SmallFilesystem() { ::umount2(folder_.c_str(), MNT_DETACH); }

std::optional<std::string> SmallFilesystem::cannot_mount() {
  TempDir dir;
  try {
    SmallFilesystem probe(dir.path() / "probe", 1 << 20);
  } catch (const std::exception& e) {
    return std::string(e.what()) + " (tests of a full disk need root)";
  }
  return std::nullopt;
}

std::filesystem::path SmallFilesystem::fill(const std::string& name) const {
  const auto path = folder_ / name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot make " + path.string() + ": " + std::strerror(errno));
  const std::vector<char> zeros(1 << 20, 0);
  // Smaller and smaller writes, down to a page, until not even that fits.
  for (std::size_t chunk = zeros.size(); chunk >= 4096;) {
    if (::write(fd, zeros.data(), chunk) < 0) chunk /= 2;
  }
  ::close(fd);
  return path;
}

}  // namespace zpipe::test
