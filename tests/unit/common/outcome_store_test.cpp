#include "common/outcome_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

Outcome make_outcome(const std::string& id, OutcomeStatus status,
                     const std::string& type = "echo") {
  Outcome o;
  o.id = id;
  o.type = type;
  o.status = status;
  if (status == OutcomeStatus::kFailed) {
    o.error_code = "handler_error";
    o.error = "boom " + id;
  }
  o.result = Payload::from_json({{"id", id}});
  o.worker = "host:1";
  o.created_ms = 100;
  o.started_ms = 110;
  o.finished_ms = 150;
  return o;
}

std::vector<bool> which_are_new(const std::vector<OutcomeStore::Recorded>& recorded) {
  std::vector<bool> flags;
  for (const auto& r : recorded) flags.push_back(r.is_new);
  return flags;
}

class OutcomeStoreTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "data" / "outcomes.db";
};

TEST_F(OutcomeStoreTest, RecordsAndFindsAnOutcome) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  const auto o = make_outcome("j-1", OutcomeStatus::kFailed);
  auto recorded = store.record({o}, 200);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(which_are_new(recorded.value()), std::vector<bool>{true});
  const auto found = store.find("j-1").value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->outcome, o);
  EXPECT_EQ(found->recorded_ms, 200u);
  EXPECT_FALSE(store.find("j-2").value().has_value());
}

TEST_F(OutcomeStoreTest, KeepsTheFirstOutcomeOfAJob) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  ASSERT_TRUE(store.record({make_outcome("j-1", OutcomeStatus::kSucceeded)}, 1).ok());
  auto again = store.record(
      {make_outcome("j-1", OutcomeStatus::kFailed), make_outcome("j-2", OutcomeStatus::kSucceeded)},
      2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(which_are_new(again.value()), (std::vector<bool>{false, true}));
  EXPECT_EQ(again.value()[0].status, OutcomeStatus::kSucceeded) << "the status that was kept";
  EXPECT_EQ(store.find("j-1").value()->outcome.status, OutcomeStatus::kSucceeded);
  EXPECT_EQ(store.totals().value().succeeded, 2u);
  EXPECT_EQ(store.totals().value().failed, 0u);
}

TEST_F(OutcomeStoreTest, DuplicateWithinOneBatchIsRecordedOnce) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto recorded = store.record({make_outcome("j-1", OutcomeStatus::kSucceeded),
                                make_outcome("j-1", OutcomeStatus::kSucceeded)},
                               1);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(which_are_new(recorded.value()), (std::vector<bool>{true, false}));
}

TEST_F(OutcomeStoreTest, AnInvalidPayloadEndsItsJobAtOnceAndOtherFailuresOnlyAtTheLastAttempt) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto retryable = make_outcome("j-1", OutcomeStatus::kFailed);
  retryable.max_attempts = 3;
  auto invalid = make_outcome("j-2", OutcomeStatus::kFailed);
  invalid.max_attempts = 3;
  invalid.error_code = "invalid";
  auto last = make_outcome("j-3", OutcomeStatus::kFailed);
  last.attempt = last.max_attempts = 3;
  const auto recorded = store.record({retryable, invalid, last}, 1);
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(recorded.value()[0].final) << "a handler error may pass on another attempt";
  EXPECT_TRUE(recorded.value()[1].final) << "an invalid payload never will";
  EXPECT_TRUE(recorded.value()[2].final);
  EXPECT_TRUE(store.find("j-2").value().has_value()) << "recorded as the job's end";
}

TEST_F(OutcomeStoreTest, ListsNewestFirstWithFilters) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  ASSERT_TRUE(store
                  .record({make_outcome("a", OutcomeStatus::kSucceeded, "echo"),
                           make_outcome("b", OutcomeStatus::kFailed, "fail"),
                           make_outcome("c", OutcomeStatus::kFailed, "exec"),
                           make_outcome("d", OutcomeStatus::kSucceeded, "exec")},
                          1)
                  .ok());
  auto ids = [](const std::vector<StoredOutcome>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.outcome.id);
    return out;
  };
  EXPECT_EQ(ids(store.list({}).value()), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(ids(store.list({OutcomeStatus::kFailed, "", 20}).value()),
            (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(ids(store.list({std::nullopt, "exec", 20}).value()),
            (std::vector<std::string>{"d", "c"}));
  EXPECT_EQ(ids(store.list({OutcomeStatus::kFailed, "exec", 20}).value()),
            (std::vector<std::string>{"c"}));
  EXPECT_EQ(ids(store.list({std::nullopt, "", 2}).value()), (std::vector<std::string>{"d", "c"}));
}

TEST_F(OutcomeStoreTest, SurvivesReopening) {
  {
    OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
    ASSERT_TRUE(store.record({make_outcome("j-1", OutcomeStatus::kSucceeded)}, 1).ok());
  }
  OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);
  EXPECT_EQ(reader.totals().value().succeeded, 1u);
  EXPECT_EQ(reader.find("j-1").value()->outcome.result.to_json()["id"], "j-1");
}

TEST_F(OutcomeStoreTest, ReadOnlyRefusesToRecord) {
  { OutcomeStore store(path_, OutcomeStore::Access::kReadWrite); }
  OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);
  auto recorded = reader.record({make_outcome("j-1", OutcomeStatus::kSucceeded)}, 1);
  ASSERT_FALSE(recorded.ok());
  EXPECT_EQ(recorded.error().code, ErrorCode::kIo);
}

TEST_F(OutcomeStoreTest, ReadOnlyOpenOfMissingStoreNamesThePath) {
  try {
    OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);
    FAIL() << "opened a store that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path_.string()), std::string::npos);
  }
}

}  // namespace
}  // namespace zpipe

namespace zpipe {
namespace {

TEST_F(OutcomeStoreTest, RecordsTheKeyEachAttemptCameWith) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto o = make_outcome("j-1", OutcomeStatus::kSucceeded);
  o.key = "worker-eu";
  ASSERT_TRUE(store.record({o}, 1).ok());
  const auto attempts = store.attempts("j-1").value();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].key, "worker-eu");
}

TEST_F(OutcomeStoreTest, ReadsAndUpgradesAStoreWrittenBeforeKeysWereRecorded) {
  {
    OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
    ASSERT_TRUE(store.record({make_outcome("old-1", OutcomeStatus::kSucceeded)}, 1).ok());
  }
  // Take the column away again, as a store from the previous version has it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE attempts DROP COLUMN key", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  {
    OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);  // `zpipe show` meanwhile
    const auto attempts = reader.attempts("old-1").value();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].key, "");
  }
  OutcomeStore sink(path_, OutcomeStore::Access::kReadWrite);  // a new sink upgrades it
  auto o = make_outcome("new-1", OutcomeStatus::kSucceeded);
  o.key = "worker";
  ASSERT_TRUE(sink.record({o}, 2).ok());
  EXPECT_EQ(sink.attempts("old-1").value().at(0).key, "");
  EXPECT_EQ(sink.attempts("new-1").value().at(0).key, "worker");
}

TEST_F(OutcomeStoreTest, KeepsTheJobsPayloadWithEachAttempt) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto first = make_outcome("p-1", OutcomeStatus::kFailed);
  first.max_attempts = 2;
  first.payload = Payload::from_json({{"to", "ann@example.com"}, {"n", 3}});
  auto second = first;
  second.attempt = 2;
  second.status = OutcomeStatus::kSucceeded;
  auto nil = make_outcome("p-2", OutcomeStatus::kSucceeded);
  nil.payload = Payload();  // a job submitted without a payload
  ASSERT_TRUE(store.record({first, second, nil}, 1).ok());

  const auto attempts = store.attempts("p-1").value();
  ASSERT_EQ(attempts.size(), 2u);
  for (const auto& a : attempts) {
    ASSERT_TRUE(a.payload.has_value());
    EXPECT_EQ(a.payload->to_json(), nlohmann::json({{"to", "ann@example.com"}, {"n", 3}}));
    EXPECT_EQ(a.payload_bytes, 0u);
  }
  const auto kept_nil = store.attempts("p-2").value().at(0);
  ASSERT_TRUE(kept_nil.payload.has_value()) << "a nil payload is kept as null, not as unknown";
  EXPECT_TRUE(kept_nil.payload->is_nil());
}

TEST_F(OutcomeStoreTest, APayloadTooLargeToSendBackIsRecordedByItsSizeOnly) {
  Outcome o = make_outcome("big-1", OutcomeStatus::kSucceeded);
  keep_job_payload(o, Payload::from_json(std::string(kKeptPayloadMaxBytes + 10, 'x')));
  ASSERT_FALSE(o.payload.has_value());
  const auto size = o.payload_bytes;
  EXPECT_GT(size, kKeptPayloadMaxBytes);
  Outcome small = make_outcome("small-1", OutcomeStatus::kSucceeded);
  keep_job_payload(small, Payload::from_json(std::string(kKeptPayloadMaxBytes - 10, 'x')));
  ASSERT_TRUE(small.payload.has_value()) << "64 KiB of msgpack is still sent back";

  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  ASSERT_TRUE(store.record({o, small}, 1).ok());
  const auto big = store.attempts("big-1").value().at(0);
  EXPECT_FALSE(big.payload.has_value());
  EXPECT_EQ(big.payload_bytes, size);
  EXPECT_EQ(store.attempts("small-1").value().at(0).payload->to_json(),
            std::string(kKeptPayloadMaxBytes - 10, 'x'));
}

TEST_F(OutcomeStoreTest, ReadsAndUpgradesAStoreWrittenBeforePayloadsWereRecorded) {
  {
    OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
    ASSERT_TRUE(store.record({make_outcome("old-1", OutcomeStatus::kSucceeded)}, 1).ok());
  }
  // Take the columns and the index away again, as a store from the previous version has them.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  for (const char* sql :
       {"ALTER TABLE attempts DROP COLUMN payload",
        "ALTER TABLE attempts DROP COLUMN payload_bytes", "DROP INDEX jobs_by_recorded"}) {
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  }
  sqlite3_close(db);

  {
    OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);  // `zpipe show` meanwhile
    const auto attempts = reader.attempts("old-1").value();
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_FALSE(attempts[0].payload.has_value());
    EXPECT_EQ(attempts[0].payload_bytes, 0u);
    EXPECT_EQ(reader.count_recorded_before(10).value().jobs, 1u);
  }
  OutcomeStore sink(path_, OutcomeStore::Access::kReadWrite);  // a new sink upgrades it
  auto o = make_outcome("new-1", OutcomeStatus::kSucceeded);
  o.payload = Payload::from_json({{"msg", "hi"}});
  ASSERT_TRUE(sink.record({o}, 2).ok());
  EXPECT_FALSE(sink.attempts("old-1").value().at(0).payload.has_value());
  EXPECT_EQ(sink.attempts("new-1").value().at(0).payload->to_json(),
            nlohmann::json({{"msg", "hi"}}));
  EXPECT_EQ(sink.prune_batch(2, 100).value().jobs, 1u) << "old-1 goes, new-1 stays";
}

TEST_F(OutcomeStoreTest, PrunesJobsRecordedBeforeACutOffInBatchesWithTheirAttempts) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  // Jobs recorded at 1000..1024, each after a failed first attempt; 25 more at 5000.
  for (int i = 0; i < 25; ++i) {
    auto failed = make_outcome("old-" + std::to_string(i), OutcomeStatus::kFailed);
    failed.max_attempts = 2;
    auto succeeded = failed;
    succeeded.attempt = 2;
    succeeded.status = OutcomeStatus::kSucceeded;
    ASSERT_TRUE(store.record({failed, succeeded}, 1000 + static_cast<std::uint64_t>(i)).ok());
    ASSERT_TRUE(
        store.record({make_outcome("new-" + std::to_string(i), OutcomeStatus::kSucceeded)}, 5000)
            .ok());
  }
  // A job still retrying keeps its early attempt: it may succeed yet.
  auto retrying = make_outcome("retrying", OutcomeStatus::kFailed);
  retrying.max_attempts = 3;
  ASSERT_TRUE(store.record({retrying}, 1000).ok());

  const auto would = store.count_recorded_before(1020).value();
  EXPECT_EQ(would.jobs, 20u);
  EXPECT_EQ(would.attempts, 40u);
  std::vector<std::uint64_t> batches;
  PruneCount deleted;
  while (true) {
    const auto batch = store.prune_batch(1020, 8).value();
    batches.push_back(batch.jobs);
    deleted += batch;
    if (batch.jobs < 8) break;
  }
  EXPECT_EQ(batches, (std::vector<std::uint64_t>{8, 8, 4}));
  EXPECT_EQ(deleted.jobs, 20u);
  EXPECT_EQ(deleted.attempts, 40u);

  EXPECT_FALSE(store.find("old-0").value().has_value());
  EXPECT_TRUE(store.attempts("old-19").value().empty());
  EXPECT_TRUE(store.find("old-20").value().has_value()) << "recorded at the cut-off: kept";
  EXPECT_EQ(store.attempts("old-24").value().size(), 2u);
  EXPECT_TRUE(store.find("new-0").value().has_value());
  EXPECT_EQ(store.attempts("retrying").value().size(), 1u);
  EXPECT_EQ(store.totals().value().succeeded, 30u);
  EXPECT_EQ(store.count_recorded_before(1020).value().jobs, 0u);
  EXPECT_EQ(store.prune_batch(1020, 8).value().jobs, 0u);
}

TEST_F(OutcomeStoreTest, PruningFreesPagesForReuseWithoutShrinkingTheFile) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  std::vector<Outcome> batch;
  for (int i = 0; i < 2000; ++i) {
    auto o = make_outcome("job-" + std::to_string(i), OutcomeStatus::kSucceeded);
    o.payload = Payload::from_json({{"text", std::string(200, 'p')}});
    batch.push_back(std::move(o));
  }
  ASSERT_TRUE(store.record(batch, 1000).ok());
  EXPECT_EQ(store.reusable_bytes().value(), 0u);
  while (store.prune_batch(2000, 500).value().jobs == 500) {
  }
  EXPECT_GT(store.reusable_bytes().value(), 400'000u);
  EXPECT_TRUE(store.check_files().ok()) << "the sink's file checks still pass";
}

// A sink killed while making its first store leaves a half-made one under another name, never
// an empty file at the store's path that the next start would take for a truncated store.
TEST_F(OutcomeStoreTest, AStoreIsMadeWholeBeforeItHasItsNameAndAHalfMadeOneIsIgnored) {
  std::filesystem::create_directories(path_.parent_path());
  std::ofstream(path_.string() + ".new") << "half made";
  { OutcomeStore store(path_, OutcomeStore::Access::kReadWrite); }
  EXPECT_FALSE(std::filesystem::exists(path_.string() + ".new"));
  OutcomeStore again(path_, OutcomeStore::Access::kReadWrite);
  EXPECT_EQ(again.totals().value().succeeded, 0u);
}

TEST_F(OutcomeStoreTest, AnEmptyOrTableLessFileIsRefusedNotMadeAnew) {
  std::filesystem::create_directories(path_.parent_path());
  std::ofstream(path_).close();
  try {
    OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
    FAIL() << "an empty store file was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is empty (0 bytes): it was truncated, and the outcomes "
                                         "it held are gone"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path_);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  sqlite3_exec(other, "CREATE TABLE photos (name TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  try {
    OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
    FAIL() << "another database was taken for the store";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no jobs table: it was emptied or replaced"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zpipe
