#include "common/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace zpipe {
namespace {

std::string read_pid(int fd) {
  char text[32] = {};
  const auto size = ::pread(fd, text, sizeof text - 1, 0);
  if (size <= 0) return "";
  std::string pid(text, static_cast<std::size_t>(size));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::filesystem::path& dir, std::string_view owner) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return make_error(ErrorCode::kIo,
                      "cannot create the data directory " + dir.string() + ": " + error.message());
  }
  auto path = dir / (std::string(owner) + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, "cannot open the lock file " + path.string() + ": " +
                                          std::strerror(errno) + " (is " + dir.string() +
                                          " writable by this user?)");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int reason = errno;
    const auto holder = read_pid(fd);
    ::close(fd);
    if (reason == EWOULDBLOCK) {
      return make_error(ErrorCode::kBusy,
                        "the data directory " + dir.string() + " is in use by another " +
                            std::string(owner) + (holder.empty() ? "" : " (pid " + holder) +
                            (holder.empty() ? " (lock " : ", lock ") + path.string() +
                            "): stop it, or give this one another --data-dir");
    }
    return make_error(ErrorCode::kIo,
                      "cannot lock " + path.string() + ": " + std::strerror(reason));
  }
  // The pid is for a second claimant's message only: the lock holds without it.
  const auto pid = std::to_string(::getpid()) + "\n";
  const bool wrote_pid = ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) ==
                                                        static_cast<ssize_t>(pid.size());
  static_cast<void>(wrote_pid);
  return DataDirLock(fd);
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor releases the flock
}

DataDirLock lock_data_dir(const std::filesystem::path& dir, std::string_view owner) {
  auto lock = DataDirLock::acquire(dir, owner);
  if (!lock.ok()) throw std::runtime_error(lock.error().message);
  return std::move(lock).value();
}

}  // namespace zpipe
