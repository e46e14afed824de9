// DataDirLock: one program's exclusive claim on its data directory, so that two ventilators
// never share a journal, two sinks a store, or two `zpipe thumbnail` runs a pipeline. An flock
// on DIR/<owner>.lock, which also holds the owner's pid for the message a second claimant gets;
// the kernel releases it when the process ends, however it ends (no stale lock after a crash).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

class DataDirLock {
 public:
  // Creates `dir` if missing and takes DIR/<owner>.lock without waiting. Fails with kBusy,
  // saying which pid holds it ("the data directory /d is in use by another ventilator (pid
  // 123, lock /d/ventilator.lock): stop it, or give this one another --data-dir"), or with
  // kIo when the directory or the file cannot be made (with the path and the reason).
  static Result<DataDirLock> acquire(const std::filesystem::path& dir, std::string_view owner);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();  // releases the lock; the file stays (removing it would race a new owner)

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}

  int fd_ = -1;  // open, and flock()ed, for the whole life of the lock
};

// acquire(), or throws std::runtime_error with its message: for programs that cannot go on.
DataDirLock lock_data_dir(const std::filesystem::path& dir, std::string_view owner);

}  // namespace zpipe
