#include "common/sqlite/database_files.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe::sqlite {
namespace {

namespace fs = std::filesystem;

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
}

std::uint32_t be32(const unsigned char* at) {
  return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) | (std::uint32_t{at[2]} << 8) |
         std::uint32_t{at[3]};
}

// A database in WAL mode whose file holds its first rows and whose log holds the rest, copied
// into `copy` as a crash would leave them (the connection still open: closing would checkpoint).
// Returns the page size.
std::uint64_t make_crashed_copy(const fs::path& dir, const fs::path& copy) {
  std::uint64_t page_size = 0;
  const auto path = dir / "store.db";
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (x BLOB)");
  for (int i = 0; i < 20; ++i) exec(db, "INSERT INTO t VALUES (randomblob(3000))");
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  for (int i = 0; i < 20; ++i) exec(db, "INSERT INTO t VALUES (randomblob(3000))");
  fs::copy_file(path, copy);
  fs::copy_file(path.string() + "-wal", copy.string() + "-wal");
  sqlite3_stmt* size = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &size, nullptr), SQLITE_OK);
  if (sqlite3_step(size) == SQLITE_ROW) {
    page_size = static_cast<std::uint64_t>(sqlite3_column_int64(size, 0));
  }
  sqlite3_finalize(size);
  sqlite3_close(db);
  EXPECT_GE(page_size, 512u);
  return page_size;
}

// Writes the log's newest copy of page 1 over the file's: a checkpoint that wrote its first page
// (whose header counts every page) and was killed before it wrote the pages past the file's end.
void checkpoint_only_the_first_page(const fs::path& copy, std::uint64_t page_size) {
  std::ifstream wal(copy.string() + "-wal", std::ios::binary);
  std::string newest;
  std::array<unsigned char, 24> frame{};
  std::string page(page_size, '\0');
  for (std::uint64_t at = 32;; at += 24 + page_size) {
    wal.seekg(static_cast<std::streamoff>(at));
    if (!wal.read(reinterpret_cast<char*>(frame.data()), frame.size())) break;
    if (!wal.read(page.data(), static_cast<std::streamsize>(page.size()))) break;
    if (be32(frame.data()) == 1) newest = page;
  }
  ASSERT_FALSE(newest.empty()) << "the log holds page 1";
  std::fstream file(copy, std::ios::binary | std::ios::in | std::ios::out);
  file.write(newest.data(), static_cast<std::streamsize>(newest.size()));
}

TEST(DatabaseFilesTruncation, AFileShortOfPagesItsLogHoldsIsWhole) {
  test::TempDir dir;
  const auto copy = dir.path() / "copy.db";
  const auto page_size = make_crashed_copy(dir.path(), copy);
  checkpoint_only_the_first_page(copy, page_size);
  {
    std::ifstream file(copy, std::ios::binary);
    std::array<unsigned char, 32> header{};
    file.read(reinterpret_cast<char*>(header.data()), header.size());
    ASSERT_LT(fs::file_size(copy), be32(header.data() + 28) * page_size)
        << "the file is short of the pages its header counts";
  }
  EXPECT_EQ(DatabaseFiles::truncation_of(copy), std::nullopt)
      << "a crash during a checkpoint leaves this; SQLite copies the pages again";
  // And SQLite reads every row from it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(copy.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &count, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 40);
  sqlite3_finalize(count);
  sqlite3_close(db);
}

TEST(DatabaseFilesTruncation, AFileShortOfPagesItsLogDoesNotHoldWasTruncated) {
  test::TempDir dir;
  const auto copy = dir.path() / "copy.db";
  const auto page_size = make_crashed_copy(dir.path(), copy);
  checkpoint_only_the_first_page(copy, page_size);
  // Pages of the first rows are only in the file: cut them off.
  fs::resize_file(copy, 2 * page_size);
  const auto truncated = DatabaseFiles::truncation_of(copy);
  ASSERT_TRUE(truncated.has_value());
  EXPECT_NE(
      truncated->find("is shorter than its header says (" + std::to_string(2 * page_size) + " of "),
      std::string::npos)
      << *truncated;
  // Without its log, a short file is truncated whatever it lacks.
  fs::remove(copy.string() + "-wal");
  EXPECT_TRUE(DatabaseFiles::truncation_of(copy).has_value());
}

}  // namespace
}  // namespace zpipe::sqlite
