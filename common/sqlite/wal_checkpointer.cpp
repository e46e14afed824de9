#include "common/sqlite/wal_checkpointer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <sqlite3.h>

namespace zpipe {

WalCheckpointer::WalCheckpointer(sqlite3* writer, const std::filesystem::path& path,
                                 Options options)
    : writer_(writer),
      log_path_(path.string() + "-wal"),
      options_(options),
      roomy_hard_limit_frames_(options.hard_limit_frames) {
  auto own = sqlite::Database::open(path, sqlite::Database::Mode::kReadWrite,
                                    path.string() + " (to checkpoint it)");
  if (!own.ok()) throw std::runtime_error(own.error().message);
  own_.emplace(std::move(own).value());
  // A connection learns that the database is in WAL mode when it first reads it; until then
  // a checkpoint does nothing.
  if (auto read = own_->exec("PRAGMA journal_mode"); !read.ok()) {
    throw std::runtime_error(read.error().message);
  }
  // The writer's checkpoint past the hard limit waits for ours to finish, not fails.
  sqlite3_busy_timeout(writer_, 5000);
  // Replaces SQLite's automatic checkpoint, which is itself a hook of this kind.
  sqlite3_wal_hook(writer_, &WalCheckpointer::after_commit, this);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_wal_autocheckpoint(writer_, 1000);  // SQLite's default again
}

void WalCheckpointer::keep_log_short(bool tight) {
  if (tight == log_kept_short()) return;
  options_.hard_limit_frames = tight ? kTightLogPages : roomy_hard_limit_frames_;
  // -1: SQLite's default, the log file keeps its largest size.
  const auto limit = tight ? std::to_string(std::int64_t{kTightLogPages} * 4096) : "-1";
  sqlite3_exec(writer_, ("PRAGMA journal_size_limit = " + limit).c_str(), nullptr, nullptr,
               nullptr);
}

std::uint64_t WalCheckpointer::log_growth_bytes() const {
  if (!log_kept_short()) return 0;
  // A page in the log is 4 KiB and a 24-byte frame header, after a 32-byte file header.
  constexpr std::uint64_t kMost = std::uint64_t{kTightLogPages} * (4096 + 24) + 32;
  std::error_code error;
  const auto size = std::filesystem::file_size(log_path_, error);
  return error ? kMost : kMost - std::min<std::uint64_t>(kMost, size);
}

std::uint64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

std::uint64_t WalCheckpointer::writer_checkpoints() const {
  std::lock_guard lock(mutex_);
  return writer_checkpoints_;
}

int WalCheckpointer::after_commit(void* self, sqlite3* writer, const char* database, int frames) {
  auto& me = *static_cast<WalCheckpointer*>(self);
  if (frames >= me.options_.hard_limit_frames) {
    // The thread is not keeping up: copy it all here and make the log start over (RESTART
    // waits for the thread's checkpoint, then for the copy).
    sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    std::lock_guard lock(me.mutex_);
    ++me.writer_checkpoints_;
    return SQLITE_OK;
  }
  if (frames >= me.options_.catch_up_frames) {
    // The thread has copied all but the last commits: copy those, so that the next write
    // starts the log over. The thread starts no copy meanwhile; PASSIVE neither waits nor
    // blocks, so while the thread finishes its copy this is busy and tries after the next
    // commit.
    {
      std::lock_guard lock(me.mutex_);
      me.writer_catching_up_ = true;
    }
    if (sqlite3_wal_checkpoint_v2(writer, database, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
        SQLITE_OK) {
      std::lock_guard lock(me.mutex_);
      ++me.writer_checkpoints_;
      me.writer_catching_up_ = false;
      me.written_ = false;
      me.long_log_ = false;  // copied: nothing for the thread to wake for
      return SQLITE_OK;
    }
  }
  bool wake = false;
  {
    std::lock_guard lock(me.mutex_);
    if (frames < me.options_.catch_up_frames) me.writer_catching_up_ = false;
    me.written_ = true;
    if (frames >= me.options_.start_frames && !me.long_log_) wake = me.long_log_ = true;
  }
  if (wake) me.wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // A long log wakes the thread at once, unless the writer is copying the rest itself; a
    // second after a commit it copies anyway (also when a writer catching up went quiet).
    wake_.wait_for(lock, options_.interval,
                   [this] { return stopping_ || (long_log_ && !writer_catching_up_); });
    if (stopping_) break;
    // Nothing new since the last copy. The long log, if any, was copied by the writer: waking
    // for it again would spin here, holding the mutex the writer's commits need.
    if (!written_) {
      long_log_ = false;
      continue;
    }
    written_ = false;
    long_log_ = false;
    lock.unlock();
    // PASSIVE copies what is committed without waiting for the writer, which goes on
    // committing meanwhile; it fsyncs the log first (what batched durability counts on).
    const int rc = sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    lock.lock();
    if (rc == SQLITE_OK) ++checkpoints_;
  }
}

}  // namespace zpipe
