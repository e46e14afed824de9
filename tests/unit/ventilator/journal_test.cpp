#include "ventilator/journal.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "tests/support/small_filesystem.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

TrackedJob make_job(const std::string& id, std::string_view payload_json = R"({"n":1})") {
  TrackedJob t;
  t.job.id = id;
  t.job.type = SharedName("echo");
  t.job.payload = Payload::parse_json(payload_json).value();
  t.job.attempt = 1;
  t.job.max_attempts = 3;
  t.job.timeout_ms = 5000;
  t.job.created_ms = 1234;
  t.attempts_per_round = 3;
  return t;
}

std::vector<std::string> ids_of(const std::vector<RestoredJob>& jobs) {
  std::vector<std::string> ids;
  for (const auto& r : jobs) ids.push_back(r.tracked.job.id);
  return ids;
}

std::vector<std::string> ids_of(const std::vector<TrackedJob>& jobs) {
  std::vector<std::string> ids;
  for (const auto& t : jobs) ids.push_back(t.job.id);
  return ids;
}

class JournalTest : public ::testing::Test {
 protected:
  // Copies the journal as a crash would leave it: database and write-ahead log as they are.
  std::filesystem::path snapshot_while_open() {
    const auto copy = dir_.path() / "crashed";
    std::filesystem::create_directories(copy);
    for (const char* suffix : {"", "-wal"}) {
      std::filesystem::copy_file(path_.string() + suffix, copy.string() + "/journal.db" + suffix,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    return copy / "journal.db";
  }

  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "data" / "journal.db";
};

TEST_F(JournalTest, KeepsCommittedJobsInOrderWithEveryField) {
  {
    Journal journal(path_, Durability::kSync);
    const auto row = journal.add(make_job("a-1", R"({"msg":"hello","list":[1,2]})"));
    journal.add(make_job("a-2"));
    journal.add(make_job("a-3"));
    journal.reschedule(row, 2, 99'000);
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path_, Durability::kSync);
  const auto live = journal.load_live();
  ASSERT_EQ(ids_of(live), (std::vector<std::string>{"a-1", "a-2", "a-3"}));
  EXPECT_EQ(live[0].tracked.job.payload.to_json_text(), R"({"list":[1,2],"msg":"hello"})");
  EXPECT_EQ(live[0].tracked.job.attempt, 2u);
  EXPECT_EQ(live[0].tracked.due_ms, 99'000u);
  EXPECT_EQ(live[1].tracked.job.timeout_ms, 5000u);
  EXPECT_EQ(live[1].tracked.job.created_ms, 1234u);
  EXPECT_EQ(live[1].tracked.attempts_per_round, 3u);
  EXPECT_TRUE(journal.warnings().empty());
}

TEST_F(JournalTest, UncommittedWritesAreNotKeptAfterACrash) {
  Journal journal(path_, Durability::kBatched);
  journal.add(make_job("a-1"));
  ASSERT_TRUE(journal.commit().ok());
  journal.add(make_job("a-2"));  // never committed: its producer was never told "accepted"
  const auto crashed = snapshot_while_open();
  Journal recovered(crashed, Durability::kBatched);
  EXPECT_EQ(ids_of(recovered.load_live()), std::vector<std::string>{"a-1"});
}

TEST_F(JournalTest, FinishedAndDeadJobsAreNotLive) {
  Journal journal(path_, Durability::kBatched);
  const auto done = journal.add(make_job("a-1"));
  const auto dead = journal.add(make_job("a-2"));
  journal.add(make_job("a-3"));
  journal.remove(done);
  journal.bury(dead, 3);
  ASSERT_TRUE(journal.commit().ok());
  EXPECT_EQ(ids_of(journal.load_live()), std::vector<std::string>{"a-3"});
  EXPECT_EQ(journal.count_dead(), 1u);
  EXPECT_EQ(journal.discard(DeadSelection{{"a-9", "a-9"}, false, ""}).value().size(), 0u);
  const auto revived = journal.revive(DeadSelection{{}, true, ""}, 500).value();
  ASSERT_EQ(ids_of(revived), std::vector<std::string>{"a-2"});
  EXPECT_EQ(revived[0].job.attempt, 4u);
  EXPECT_EQ(revived[0].job.max_attempts, 6u);
  EXPECT_EQ(journal.count_dead(), 0u);
}

TEST_F(JournalTest, ATornTailOfTheLogIsRecoveredAndReported) {
  Journal journal(path_, Durability::kBatched);
  for (int i = 1; i <= 50; ++i) {
    journal.add(make_job("a-" + std::to_string(i)));
    ASSERT_TRUE(journal.commit().ok());  // one commit per job: many frames in the log
  }
  const auto crashed = snapshot_while_open();
  const auto wal = crashed.string() + "-wal";
  const auto size = std::filesystem::file_size(wal);
  std::filesystem::resize_file(wal, size - 1000);  // a crash in the middle of the last write

  Journal recovered(crashed, Durability::kBatched);
  const auto live = recovered.load_live();
  ASSERT_FALSE(live.empty());
  EXPECT_LT(live.size(), 50u);
  // What is there is a prefix: commits are never half applied.
  for (std::size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(live[i].tracked.job.id, "a-" + std::to_string(i + 1));
  }
  ASSERT_EQ(recovered.warnings().size(), 1u);
  EXPECT_NE(recovered.warnings()[0].find("torn frame"), std::string::npos)
      << recovered.warnings()[0];
}

TEST_F(JournalTest, DamageIsReportedAndTheJournalIsNotUsed) {
  {
    Journal journal(path_, Durability::kSync);
    for (int i = 1; i <= 2000; ++i) journal.add(make_job("a-" + std::to_string(i)));
    ASSERT_TRUE(journal.commit().ok());
  }
  // Overwrite part of the database's pages with garbage.
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 3);
    const std::string garbage(4096 * 4, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  try {
    Journal journal(path_, Durability::kSync);
    (void)journal.load_live();
    FAIL() << "a damaged journal was opened without complaint";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("is damaged"), std::string::npos) << message;
    EXPECT_NE(message.find(path_.string()), std::string::npos) << message;
  }
}

// Values the ventilator never writes, as damage or an edit by hand leaves them; SQLite's own
// checks find nothing wrong.
void edit(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(JournalTest, RowsThatCannotRunAreSkippedAndReported) {
  {
    Journal journal(path_, Durability::kSync);
    for (const char* id : {"a-1", "a-2", "a-3"}) journal.add(make_job(id));
    ASSERT_TRUE(journal.commit().ok());
  }
  edit(path_, "UPDATE jobs SET timeout_ms = -1 WHERE id = 'a-2'");
  Journal journal(path_, Durability::kSync);
  EXPECT_EQ(ids_of(journal.load_live()), (std::vector<std::string>{"a-1", "a-3"}));
  ASSERT_EQ(journal.warnings().size(), 1u);
  EXPECT_NE(journal.warnings()[0].find("1 rows"), std::string::npos) << journal.warnings()[0];
  EXPECT_NE(journal.warnings()[0].find("timeout_ms"), std::string::npos) << journal.warnings()[0];
}

TEST_F(JournalTest, ADeadRowThatCannotRunStaysDeadButCanBeDiscarded) {
  {
    Journal journal(path_, Durability::kSync);
    journal.bury(journal.add(make_job("a-1")), 3);
    journal.bury(journal.add(make_job("a-2")), 3);
    ASSERT_TRUE(journal.commit().ok());
  }
  edit(path_, "UPDATE jobs SET attempt = 0 WHERE id = 'a-2'");
  Journal journal(path_, Durability::kSync);
  EXPECT_EQ(ids_of(journal.revive(DeadSelection{{}, true, ""}, 500).value()),
            std::vector<std::string>{"a-1"});
  EXPECT_EQ(journal.count_dead(), 1u);
  EXPECT_EQ(journal.discard(DeadSelection{{"a-2"}, false, ""}).value(),
            std::vector<std::string>{"a-2"});
  EXPECT_EQ(journal.count_dead(), 0u);
}

// SQLite rolls a whole transaction back when the disk has no room for it: the journal keeps
// its writes and makes them again at the next commit, once there is room. Nothing is lost, and
// nothing throws (the ventilator would stop).
TEST_F(JournalTest, WritesTheDiskHadNoRoomForAreMadeAgainWhenThereIs) {
  if (const auto why = test::SmallFilesystem::cannot_mount()) GTEST_SKIP() << *why;
  const auto folder = dir_.path() / "small";
  test::SmallFilesystem disk(folder, 4 << 20);
  const auto path = folder / "journal.db";
  const std::string blob(20'000, 'x');
  const auto payload = R"({"blob":")" + blob + R"("})";
  std::vector<std::int64_t> rows;
  std::filesystem::path ballast;
  {
    Journal journal(path, Durability::kBatched);
    rows.push_back(journal.add(make_job("before")));
    ASSERT_TRUE(journal.commit().ok());
    ballast = disk.fill("ballast");
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
      rows.push_back(journal.add(make_job("job-" + std::to_string(i), payload)));
      if (i % 10 == 9) {
        auto committed = journal.commit();
        if (!committed.ok()) {
          EXPECT_EQ(committed.error().code, ErrorCode::kDiskFull) << committed.error().message;
          refused = true;
        }
      }
    }
    ASSERT_TRUE(refused) << "the disk never filled";
    journal.remove(rows.front());  // more writes while the disk is full
    EXPECT_EQ(journal.payload_of(rows.back()).to_json()["blob"], blob) << "held, readable";
    EXPECT_FALSE(journal.commit().ok()) << "still no room";
    std::filesystem::remove(ballast);
    ASSERT_TRUE(journal.commit().ok());
  }
  Journal journal(path, Durability::kBatched);
  const auto live = journal.load_live();
  ASSERT_EQ(live.size(), rows.size() - 1) << "every job added, \"before\" removed";
  EXPECT_EQ(live.front().tracked.job.id, "job-0");
  EXPECT_EQ(journal.payload_of(live.back().tracked.journal_row).to_json()["blob"], blob);
}

}  // namespace
}  // namespace zpipe
