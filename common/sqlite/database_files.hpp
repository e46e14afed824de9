// DatabaseFiles: the files of one SQLite database (FILE and FILE-wal) as a program opened them,
// checked before the program tells anyone that something is stored in them. A file removed,
// replaced (another inode at the path) or truncated under a running program would take every
// later commit with it, while SQLite goes on writing to the open descriptor without a word:
// PostgreSQL stops when its lock file goes, and so does zpipe.
//
// A check is two stat() calls: cheap enough before every acknowledgement batch.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace zpipe::sqlite {

class DatabaseFiles {
 public:
  // Before opening an existing database: why its file cannot be whole, or std::nullopt. An
  // empty file (a database in WAL mode always has its first page written), or one shorter
  // than its header's page count, was truncated: SQLite would open it and read what the log
  // still holds over zeros, or start afresh, without a word. Unless the pages it lacks are in
  // its log: a crash during a checkpoint leaves it so, and SQLite copies them again.
  static std::optional<std::string> truncation_of(const std::filesystem::path& path);
  // Before opening: a write-ahead log (FILE-wal) that ends inside a frame, from a crash during a
  // write, or std::nullopt. Opening drops that tail (nothing in it was committed); this says
  // how many bytes went.
  static std::optional<std::string> torn_log_tail_of(const std::filesystem::path& path);

  // The identity of `path` and its -wal file now, just after opening. `what` names the
  // database in messages ("the outcome store /x/outcomes.db").
  DatabaseFiles(std::filesystem::path path, std::string what);

  // Ok while the files are the ones opened: the same device and inode at each path, and the
  // database no smaller than at the last check (zpipe never shrinks one: no VACUUM). Otherwise
  // kIo with what happened ("... was removed", "... was replaced", "... shrank from 1 MiB to
  // 0 bytes").
  Result<Ok> check();

 private:
  struct Identity {
    dev_t device = 0;
    ino_t inode = 0;
  };
  // The -wal file is made at the first write: its identity is taken once it exists.
  std::optional<Error> check_wal();

  std::filesystem::path path_;
  std::filesystem::path wal_path_;
  std::string what_;
  Identity main_;
  std::optional<Identity> wal_;
  std::uintmax_t size_ = 0;  // the largest size seen
};

}  // namespace zpipe::sqlite
