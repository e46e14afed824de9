#include "common/sqlite/wal_checkpointer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

// A writer connection in WAL mode, as the stores open theirs.
class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE rows (n INTEGER PRIMARY KEY, data BLOB)");
  }
  void TearDown() override { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
  }
  // One transaction of `rows` rows of 1 KiB.
  void write(int rows) {
    exec("BEGIN");
    for (int i = 0; i < rows; ++i) exec("INSERT INTO rows (data) VALUES (zeroblob(1024))");
    exec("COMMIT");
  }
  std::uint64_t log_frames() {
    std::error_code error;
    const auto size = std::filesystem::file_size(path_.string() + "-wal", error);
    return error || size < 32 ? 0 : (size - 32) / (24 + 4096);
  }
  // Frames in the log, and how many of them are in the database, as a fresh look sees them.
  std::pair<int, int> log_and_copied() {
    sqlite3* other = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    int log = -1, copied = -1;
    sqlite3_exec(other, "SELECT 1 FROM rows LIMIT 1", nullptr, nullptr, nullptr);
    // A passive checkpoint by a reader that finds nothing to copy copies nothing: it reports.
    sqlite3_wal_checkpoint_v2(other, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    sqlite3_close(other);
    return {log, copied};
  }
  std::int64_t row_count() {
    sqlite3* other = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(other, "SELECT count(*) FROM rows", -1, &s, nullptr);
    const auto count = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(other);
    return count;
  }

  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "store.db";
  sqlite3* db_ = nullptr;
};

TEST_F(WalCheckpointerTest, KeepsTheLogShortUnderAWriterThatNeverPauses) {
  WalCheckpointer::Options options;
  options.start_frames = 50;
  options.catch_up_frames = 200;
  options.hard_limit_frames = 100000;  // out of reach: the log must stay short without it
  WalCheckpointer checkpointer(db_, path_, options);
  std::uint64_t longest = 0;
  for (int commit = 0; commit < 600; ++commit) {
    write(5);  // about 6 pages a commit: 3,600 pages in all
    longest = std::max(longest, log_frames());
  }
  // SQLite's own checkpoint is off while the checkpointer holds the connection: without it
  // the log would hold all 3,600 pages. With it, the log grows past catch_up_frames by what
  // the writer commits while the thread finishes a copy.
  EXPECT_LT(longest, 1200u) << "the log started over as it grew";
  EXPECT_EQ(row_count(), 3000);
}

// On a disk short of room: a log that grew long before is cut back when it starts over, and
// stays within 2 MiB and a commit, out of reach of the thread (its start is far off too).
TEST_F(WalCheckpointerTest, KeptShortTheLogFileIsCutAndStaysWithinTwoMebibytes) {
  WalCheckpointer::Options options;
  options.start_frames = 100000;
  options.catch_up_frames = 100000;
  options.hard_limit_frames = 100000;
  options.interval = std::chrono::hours(1);
  WalCheckpointer checkpointer(db_, path_, options);
  for (int commit = 0; commit < 40; ++commit) write(100);  // ~1,450 pages, never copied
  ASSERT_GT(log_frames(), 1000u);
  EXPECT_EQ(checkpointer.log_growth_bytes(), 0u) << "not kept short: no bound to tell";

  checkpointer.keep_log_short(true);
  EXPECT_EQ(checkpointer.log_growth_bytes(), 0u) << "a file past the bound takes no more room";
  std::uint64_t longest_after_cut = 0;
  for (int commit = 0; commit < 60; ++commit) {
    write(20);  // ~22 pages a commit
    if (commit > 0) longest_after_cut = std::max(longest_after_cut, log_frames());
  }
  EXPECT_LE(longest_after_cut, std::uint64_t{WalCheckpointer::kTightLogPages} + 30);
  EXPECT_EQ(row_count(), 40 * 100 + 60 * 20);
  // Cut: what it may still grow by is the rest of the bound.
  const auto size = std::filesystem::file_size(path_.string() + "-wal");
  ASSERT_LT(size, std::uint64_t{WalCheckpointer::kTightLogPages} * 4120);
  EXPECT_EQ(checkpointer.log_growth_bytes() + size,
            std::uint64_t{WalCheckpointer::kTightLogPages} * 4120 + 32);

  // Room again: the bound is the given one, and nothing is kept back for the log.
  checkpointer.keep_log_short(false);
  EXPECT_EQ(checkpointer.log_growth_bytes(), 0u);
}

// As the sink writes: a batch, then a moment receiving the next. The thread does all copying.
// The moment lasts until the thread has copied once since the batch began (woken by the
// interval, as a log under start_frames after it starts over would not wake it): how soon a
// loaded machine schedules the thread is not what this checks (bench/ measures the latency).
TEST_F(WalCheckpointerTest, CopiesOnItsThreadWhileTheWriterGoesOn) {
  WalCheckpointer::Options options;
  options.start_frames = 50;
  options.catch_up_frames = 400;
  options.interval = 5ms;
  WalCheckpointer checkpointer(db_, path_, options);
  std::uint64_t longest = 0;
  for (int commit = 0; commit < 100; ++commit) {
    const auto copies_before = checkpointer.checkpoints();
    write(20);  // about 22 pages a commit: 2,200 in all
    longest = std::max(longest, log_frames());
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (checkpointer.checkpoints() == copies_before &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_GT(checkpointer.checkpoints(), copies_before)
        << "the thread never copied batch " << commit;
  }
  EXPECT_GT(checkpointer.checkpoints(), 0u);
  EXPECT_EQ(checkpointer.writer_checkpoints(), 0u) << "the writer copied nothing itself";
  EXPECT_LT(longest, 400u);
  EXPECT_EQ(row_count(), 2000);
}

TEST_F(WalCheckpointerTest, CopiesAQuietLogWithinTheInterval) {
  WalCheckpointer::Options options;
  options.interval = 100ms;
  WalCheckpointer checkpointer(db_, path_, options);
  write(3);  // far below start_frames
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (checkpointer.checkpoints() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(checkpointer.checkpoints(), 1u);
  const auto [log, copied] = log_and_copied();
  EXPECT_GT(log, 0);
  EXPECT_EQ(copied, log) << "every committed page is in the database file (and was fsynced)";
  EXPECT_EQ(checkpointer.writer_checkpoints(), 0u) << "the writer copied nothing itself";
}

TEST_F(WalCheckpointerTest, GivesCheckpointsBackToTheWriterWhenGone) {
  { WalCheckpointer checkpointer(db_, path_); }
  for (int commit = 0; commit < 400; ++commit) write(5);  // 2,400 pages
  EXPECT_LT(log_frames(), 1200u) << "SQLite's automatic checkpoint runs again";
  EXPECT_EQ(row_count(), 2000);
}

}  // namespace
}  // namespace zpipe
