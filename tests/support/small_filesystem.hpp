// SmallFilesystem: a tmpfs of a few MiB mounted on a folder for the life of the object, for tests
// of a full disk. Mounting needs root (CAP_SYS_ADMIN); where the machine does not allow it,
// can_mount() says why and the test skips.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace zpipe::test {

class SmallFilesystem {
 public:
  // Mounts a tmpfs of `bytes` on `folder` (made if missing), read-only if asked; throws
  // std::runtime_error when it cannot.
  enum class Access { kReadWrite, kReadOnly };
  SmallFilesystem(std::filesystem::path folder, std::uint64_t bytes,
                  Access access = Access::kReadWrite);
  ~SmallFilesystem();  // unmounts (lazily: a process still holding a file cannot stop it)
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  // Why a tmpfs cannot be mounted here, or std::nullopt when it can.
  static std::optional<std::string> cannot_mount();

  // Writes a file of zeros until the filesystem is full. Returns its path.
  std::filesystem::path fill(const std::string& name) const;

 private:
  std::filesystem::path folder_;
};

}  // namespace zpipe::test
