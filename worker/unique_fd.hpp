// UniqueFd: the one owner of a file descriptor. It closes the descriptor when it goes, when it is
// given another (move-assignment, reset()) and nowhere else; release() hands it over unclosed.
#pragma once

#include <unistd.h>

#include <utility>

namespace zpipe {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}  // takes `fd`; -1: owns nothing
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  // The descriptor, still owned here; -1 when there is none.
  int get() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }

  // The descriptor, no longer owned: the caller closes it.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

  // Closes the descriptor held (if any) and takes `fd` instead.
  void reset(int fd = -1) noexcept {
    // close() once, even on EINTR: Linux has freed the descriptor by then, and a retry could
    // close one that another thread has just been given.
    if (const int old = std::exchange(fd_, fd); old >= 0) ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace zpipe
