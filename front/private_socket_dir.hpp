// PrivateSocketDir: a folder of this process's own (mode 0700, a fresh name under $TMPDIR or
// /tmp) for the ipc:// endpoints of a pipeline that a command starts for itself, so that it can
// never reach, or be reached by, another pipeline on the same host as fixed ports could.
// Removed with what is in it on destruction. Short paths: a Unix socket's is limited to 107
// bytes, which a data directory deep in $HOME could pass.
#pragma once

#include <filesystem>

namespace zpipe {

class PrivateSocketDir {
 public:
  PrivateSocketDir();  // throws std::runtime_error when the folder cannot be made
  ~PrivateSocketDir();
  PrivateSocketDir(const PrivateSocketDir&) = delete;
  PrivateSocketDir& operator=(const PrivateSocketDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace zpipe
