// WalCheckpointer: copies a SQLite database's write-ahead log back into the database on a
// thread of its own, so that the writer does not stall on it. SQLite's own automatic
// checkpoint runs inside the commit that takes the log past 1,000 pages: 4 to 7 ms on the
// sink's loop, about every 90 ms under load, which was most of zpipe's p99 latency.
//
// The writer's connection keeps every commit as it was; only who copies the log changes. A log
// starts over only when a write begins with all of it copied, which a writer that never pauses
// would not see: past `catch_up_frames` the writer copies the little the thread has not (and
// the log then starts over), and past `hard_limit_frames` it copies it all, waiting, as SQLite
// would have.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "common/sqlite/database.hpp"

namespace zpipe {

class WalCheckpointer {
 public:
  struct Options {
    int start_frames = 1000;        // a log this long is copied at once (SQLite's default)
    int catch_up_frames = 4000;     // the writer copies what the thread has not yet, if idle
    int hard_limit_frames = 16384;  // 64 MiB of 4 KiB pages: the writer copies it, waiting
    std::chrono::milliseconds interval{1000};  // a shorter log is copied this often, if written
  };

  // Takes over the checkpoints of `writer`, a connection in WAL mode to `path` that the caller
  // keeps and closes after this object is gone. Opens a connection of its own to `path`.
  // Throws std::runtime_error when it cannot.
  WalCheckpointer(sqlite3* writer, const std::filesystem::path& path, Options options);
  WalCheckpointer(sqlite3* writer, const std::filesystem::path& path)
      : WalCheckpointer(writer, path, Options{}) {}
  // Stops the thread and gives checkpoints back to `writer`, whose close copies the rest.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // On a disk short of room (`tight`; on the writer's thread), the writer makes the log start
  // over at kTightLogPages instead of hard_limit_frames, and a log file grown longer is cut to
  // that when it starts over. The log of a writer that never pauses never starts over on its
  // own, and a log that grows takes the room the database itself needs to grow into when the
  // log is copied back: with neither room the database can take no more writes, ever.
  void keep_log_short(bool tight);
  bool log_kept_short() const { return options_.hard_limit_frames == kTightLogPages; }
  // What the log may still grow by while kept short: room the disk must keep for it. 0 when
  // it is not kept short.
  std::uint64_t log_growth_bytes() const;
  static constexpr int kTightLogPages = 512;  // 2 MiB of 4 KiB pages

  // Checkpoints run so far by the thread, and by the writer (catching up or past the limit).
  std::uint64_t checkpoints() const;
  std::uint64_t writer_checkpoints() const;

 private:
  // SQLite's commit hook for the writer (sqlite3_wal_hook): `frames` is the log's length.
  static int after_commit(void* self, sqlite3* writer, const char* database, int frames);
  void run();

  sqlite3* writer_;
  std::filesystem::path log_path_;
  std::optional<sqlite::Database> own_;  // the thread's connection
  Options options_;
  int roomy_hard_limit_frames_;  // options_.hard_limit_frames as given
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool written_ = false;  // a commit since the last checkpoint
  bool long_log_ = false;
  bool writer_catching_up_ = false;  // past catch_up_frames: the writer copies the rest
  bool stopping_ = false;
  std::uint64_t checkpoints_ = 0;
  std::uint64_t writer_checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace zpipe
