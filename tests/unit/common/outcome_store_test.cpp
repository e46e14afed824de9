#include "common/outcome_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "common/follow_ups.hpp"
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
  auto expected = o;
  expected.queue = "default";  // an outcome that names no queue is of the default one
  EXPECT_EQ(found->outcome, expected);
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

namespace zpipe {
namespace {

// What the ventilator or a worker sends for a job a user cancelled.
Outcome cancelled_outcome(const std::string& id, std::uint32_t attempt,
                          const std::string& worker = "ventilator") {
  auto o = make_outcome(id, OutcomeStatus::kCancelled);
  o.attempt = attempt;
  o.max_attempts = 3;
  o.error_code = "cancelled";
  o.error = "cancelled by alice@web1";
  o.worker = worker;
  o.result = Payload();
  return o;
}

std::vector<std::string> ids_of(const std::vector<StoredOutcome>& rows) {
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row.outcome.id);
  return ids;
}

TEST_F(OutcomeStoreTest, ACancelledOutcomeEndsItsJobAndLaterOutcomesAreDuplicates) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  const auto cancelled = store.record({cancelled_outcome("c-1", 1, "host:7")}, 5);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_TRUE(cancelled.value()[0].is_new);
  EXPECT_TRUE(cancelled.value()[0].final) << "a cancelled job is not retried";
  EXPECT_EQ(cancelled.value()[0].status, OutcomeStatus::kCancelled);

  // The worker finished the attempt anyway; another worker ran a later one (the ventilator had
  // taken the job back); the cancel came twice.
  auto late = make_outcome("c-1", OutcomeStatus::kSucceeded);
  auto later = late;
  later.attempt = 2;
  later.max_attempts = 3;
  const auto again = store.record({late, later, cancelled_outcome("c-1", 1, "host:7")}, 6);
  ASSERT_TRUE(again.ok()) << again.error().message;
  for (const auto& entry : again.value()) {
    EXPECT_FALSE(entry.is_new);
    EXPECT_TRUE(entry.final);
    EXPECT_EQ(entry.status, OutcomeStatus::kCancelled) << "the first end of the job stays";
  }
  const auto found = store.find("c-1").value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->outcome.status, OutcomeStatus::kCancelled);
  EXPECT_EQ(found->outcome.error, "cancelled by alice@web1");
  EXPECT_EQ(found->outcome.worker, "host:7");
  EXPECT_EQ(found->recorded_ms, 5u);
  const auto totals = store.totals().value();
  EXPECT_EQ(totals.cancelled, 1u);
  EXPECT_EQ(totals.succeeded, 0u);
  EXPECT_EQ(totals.failed, 0u);
}

TEST_F(OutcomeStoreTest, AnEarlierSucceededOrDeadEndWinsOverALaterCancel) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto dead = make_outcome("dead-1", OutcomeStatus::kFailed);
  dead.attempt = dead.max_attempts = 3;
  ASSERT_TRUE(store.record({make_outcome("ok-1", OutcomeStatus::kSucceeded), dead}, 1).ok());
  // The cancel of a later attempt of ok-1 raced its success; dead-1's came after its last one.
  const auto cancels =
      store.record({cancelled_outcome("ok-1", 2, "host:2"), cancelled_outcome("dead-1", 3)}, 2);
  ASSERT_TRUE(cancels.ok()) << cancels.error().message;
  EXPECT_FALSE(cancels.value()[0].is_new);
  EXPECT_TRUE(cancels.value()[0].final);
  EXPECT_EQ(cancels.value()[0].status, OutcomeStatus::kSucceeded);
  EXPECT_FALSE(cancels.value()[1].is_new);
  EXPECT_TRUE(cancels.value()[1].final);
  EXPECT_EQ(cancels.value()[1].status, OutcomeStatus::kFailed);
  EXPECT_EQ(store.find("ok-1").value()->outcome.status, OutcomeStatus::kSucceeded);
  EXPECT_EQ(store.find("dead-1").value()->outcome.status, OutcomeStatus::kFailed);
  EXPECT_EQ(store.totals().value().cancelled, 0u);

  // Sent again, the cancel of ok-1's second attempt still hears that the job is over.
  const auto repeat = store.record({cancelled_outcome("ok-1", 2, "host:2")}, 3);
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat.value()[0].final);
  EXPECT_EQ(repeat.value()[0].status, OutcomeStatus::kSucceeded);
}

TEST_F(OutcomeStoreTest, ASucceededJobIsNotRecordedAgainByALaterAttempt) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  ASSERT_TRUE(store.record({make_outcome("j-1", OutcomeStatus::kSucceeded)}, 1).ok());
  // The job ran again (at-least-once) and failed on its last attempt there.
  auto rerun = make_outcome("j-1", OutcomeStatus::kFailed);
  rerun.attempt = rerun.max_attempts = 2;
  const auto recorded = store.record({rerun}, 2);
  ASSERT_TRUE(recorded.ok());
  EXPECT_FALSE(recorded.value()[0].is_new);
  EXPECT_EQ(recorded.value()[0].status, OutcomeStatus::kSucceeded);
  EXPECT_TRUE(recorded.value()[0].final);
  EXPECT_EQ(store.find("j-1").value()->outcome.status, OutcomeStatus::kSucceeded);
  EXPECT_EQ(store.attempts("j-1").value().size(), 2u) << "the attempt that ran is still listed";
}

TEST_F(OutcomeStoreTest, ACancelWhileTheJobWaitsForItsRetryEndsIt) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto first = make_outcome("r-1", OutcomeStatus::kFailed);
  first.max_attempts = 3;
  auto other = make_outcome("r-2", OutcomeStatus::kFailed);
  other.max_attempts = 3;
  ASSERT_TRUE(store.record({first, other}, 1).ok());
  // The ventilator records the cancel under the attempt that failed (r-1) or the next (r-2).
  const auto recorded = store.record({cancelled_outcome("r-1", 1), cancelled_outcome("r-2", 2)}, 2);
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  for (const auto& entry : recorded.value()) {
    EXPECT_TRUE(entry.is_new);
    EXPECT_TRUE(entry.final);
    EXPECT_EQ(entry.status, OutcomeStatus::kCancelled);
  }
  for (const char* id : {"r-1", "r-2"}) {
    const auto found = store.find(id).value();
    ASSERT_TRUE(found.has_value()) << id;
    EXPECT_EQ(found->outcome.status, OutcomeStatus::kCancelled) << id;
    EXPECT_EQ(found->outcome.worker, "ventilator") << id;
  }
  const auto r1 = store.attempts("r-1").value();
  ASSERT_EQ(r1.size(), 1u);
  EXPECT_EQ(r1[0].status, OutcomeStatus::kFailed) << "the attempt stays as it ran";
  const auto r2 = store.attempts("r-2").value();
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_EQ(r2[1].status, OutcomeStatus::kCancelled);
  EXPECT_EQ(store.totals().value().cancelled, 2u);
}

TEST_F(OutcomeStoreTest, ADeadJobRetriedAndThenCancelledEndsCancelled) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto dead = make_outcome("d-1", OutcomeStatus::kFailed);
  dead.attempt = dead.max_attempts = 1;
  ASSERT_TRUE(store.record({dead}, 1).ok());
  // `zpipe retry` brought it back as attempt 2, then `zpipe cancel` stopped it.
  const auto recorded = store.record({cancelled_outcome("d-1", 2, "host:3")}, 2);
  ASSERT_TRUE(recorded.ok());
  EXPECT_TRUE(recorded.value()[0].is_new);
  EXPECT_EQ(store.find("d-1").value()->outcome.status, OutcomeStatus::kCancelled);
  EXPECT_EQ(store.totals().value().failed, 0u);
  EXPECT_EQ(store.totals().value().cancelled, 1u);
}

TEST_F(OutcomeStoreTest, ListsByQueueAndByCancelledStatus) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto in = [](Outcome o, const std::string& queue) {
    o.queue = queue;
    return o;
  };
  ASSERT_TRUE(store
                  .record({in(make_outcome("a", OutcomeStatus::kSucceeded), ""),
                           in(make_outcome("b", OutcomeStatus::kSucceeded), "critical"),
                           in(cancelled_outcome("c", 1), "critical"),
                           in(make_outcome("d", OutcomeStatus::kFailed), "default"),
                           in(cancelled_outcome("e", 1), ""),
                           in(make_outcome("f", OutcomeStatus::kFailed, "fail"), "critical")},
                          1)
                  .ok());
  OutcomeQuery critical;
  critical.queue = "critical";
  EXPECT_EQ(ids_of(store.list(critical).value()), (std::vector<std::string>{"f", "c", "b"}));
  OutcomeQuery by_default;
  by_default.queue = "default";
  EXPECT_EQ(ids_of(store.list(by_default).value()), (std::vector<std::string>{"e", "d", "a"}))
      << "an outcome that names no queue is of the default one";
  OutcomeQuery cancelled;
  cancelled.status = OutcomeStatus::kCancelled;
  EXPECT_EQ(ids_of(store.list(cancelled).value()), (std::vector<std::string>{"e", "c"}));
  cancelled.queue = "critical";
  EXPECT_EQ(ids_of(store.list(cancelled).value()), (std::vector<std::string>{"c"}));
  OutcomeQuery failed_critical{OutcomeStatus::kFailed, "fail", 20, "critical"};
  EXPECT_EQ(ids_of(store.list(failed_critical).value()), (std::vector<std::string>{"f"}));
  OutcomeQuery nowhere;
  nowhere.queue = "low";
  EXPECT_TRUE(store.list(nowhere).value().empty());
  EXPECT_EQ(store.find("a").value()->outcome.queue, "default");
  EXPECT_EQ(store.find("c").value()->outcome.queue, "critical");
  const auto totals = store.totals().value();
  EXPECT_EQ(totals.succeeded, 2u);
  EXPECT_EQ(totals.failed, 2u);
  EXPECT_EQ(totals.cancelled, 2u);
}

TEST_F(OutcomeStoreTest, AQueueBatchParentOrCancelledListingReadsOnlyItsIndex) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  ASSERT_TRUE(store.record({make_outcome("a", OutcomeStatus::kSucceeded)}, 1).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  // The plan of the query list() makes (its WHERE as list() words it), as SQLite words it.
  auto plan = [db](const std::string& where) {
    std::string text;
    sqlite3_stmt* s = nullptr;
    const auto sql = "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE 1 AND " + where +
                     " ORDER BY rowid DESC LIMIT 20";
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(s) == SQLITE_ROW) {
      text += reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
      text += "\n";
    }
    sqlite3_finalize(s);
    return text;
  };
  const auto by_queue = plan("queue = 'critical' AND queue <> 'default'");
  EXPECT_NE(by_queue.find("USING INDEX jobs_by_queue (queue=?)"), std::string::npos) << by_queue;
  EXPECT_EQ(by_queue.find("TEMP B-TREE"), std::string::npos) << "no sort: " << by_queue;
  const auto cancelled = plan("status = 'cancelled'");
  EXPECT_NE(cancelled.find("USING INDEX jobs_cancelled"), std::string::npos) << cancelled;
  const auto by_batch = plan("batch = 'mx-b1'");
  EXPECT_NE(by_batch.find("USING INDEX jobs_by_batch (batch=?)"), std::string::npos) << by_batch;
  EXPECT_EQ(by_batch.find("TEMP B-TREE"), std::string::npos) << "no sort: " << by_batch;
  const auto by_parent = plan("parent = 'mx-1'");
  EXPECT_NE(by_parent.find("USING INDEX jobs_by_parent (parent=?)"), std::string::npos)
      << by_parent;
  sqlite3_close(db);
}

TEST_F(OutcomeStoreTest, PrunesCancelledJobsLikeTheRest) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto failed = make_outcome("c-1", OutcomeStatus::kFailed);
  failed.max_attempts = 3;
  ASSERT_TRUE(store.record({failed}, 1000).ok());
  ASSERT_TRUE(store.record({cancelled_outcome("c-1", 2, "host:1")}, 1000).ok());
  ASSERT_TRUE(store.record({cancelled_outcome("c-2", 1)}, 5000).ok());
  EXPECT_EQ(store.count_recorded_before(2000).value().jobs, 1u);
  EXPECT_EQ(store.count_recorded_before(2000).value().attempts, 2u);
  const auto deleted = store.prune_batch(2000, 10).value();
  EXPECT_EQ(deleted.jobs, 1u);
  EXPECT_EQ(deleted.attempts, 2u);
  EXPECT_FALSE(store.find("c-1").value().has_value());
  EXPECT_TRUE(store.attempts("c-1").value().empty());
  EXPECT_TRUE(store.find("c-2").value().has_value());
  EXPECT_EQ(store.totals().value().cancelled, 1u);
}

// A store as the zpipe before queues and cancelling made it: statuses 'succeeded' and 'failed'
// only, no queue column, its jobs at rowids 5 and 9.
void make_store_before_queues(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* sql = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE jobs (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  error_code   TEXT NOT NULL DEFAULT '',
  error        TEXT NOT NULL DEFAULT '',
  attempt      INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  worker       TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  started_ms   INTEGER NOT NULL,
  finished_ms  INTEGER NOT NULL,
  recorded_ms  INTEGER NOT NULL,
  result       TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX jobs_failed ON jobs (status) WHERE status = 'failed';
CREATE INDEX jobs_by_type ON jobs (type);
CREATE TABLE attempts (
  id           TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  error_code   TEXT NOT NULL DEFAULT '',
  error        TEXT NOT NULL DEFAULT '',
  worker       TEXT NOT NULL,
  started_ms   INTEGER NOT NULL,
  finished_ms  INTEGER NOT NULL,
  run_us       INTEGER NOT NULL DEFAULT 0,
  cpu_us       INTEGER NOT NULL DEFAULT 0,
  max_rss_kb   INTEGER NOT NULL DEFAULT 0,
  recorded_ms  INTEGER NOT NULL,
  key          TEXT NOT NULL DEFAULT '',
  payload      TEXT,
  payload_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id, attempt)
) WITHOUT ROWID;
CREATE INDEX jobs_by_recorded ON jobs (recorded_ms);
INSERT INTO jobs (rowid, id, type, status, error_code, error, attempt, max_attempts, worker,
                  created_ms, started_ms, finished_ms, recorded_ms, result)
  VALUES (5, 'old-1', 'echo', 'succeeded', '', '', 1, 1, 'host:1', 100, 110, 150, 10, '{"n":1}'),
         (9, 'old-2', 'fail', 'failed', 'handler_error', 'boom', 2, 2, 'host:2', 100, 110, 150,
          20, 'null');
INSERT INTO attempts (id, attempt, status, error_code, error, worker, started_ms, finished_ms,
                      recorded_ms, key, payload)
  VALUES ('old-1', 1, 'succeeded', '', '', 'host:1', 110, 150, 10, 'k', '{"to":"ann"}'),
         ('old-2', 1, 'failed', 'handler_error', 'boom', 'host:2', 100, 105, 15, '', NULL),
         ('old-2', 2, 'failed', 'handler_error', 'boom', 'host:2', 110, 150, 20, '', NULL),
         ('old-3', 1, 'failed', 'handler_error', 'boom', 'host:3', 110, 150, 30, '', NULL);
)sql";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(OutcomeStoreTest, ReadsAndUpgradesAStoreWrittenBeforeQueuesAndCancels) {
  make_store_before_queues(path_);
  {
    OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);  // `zpipe results` meanwhile
    EXPECT_EQ(reader.find("old-1").value()->outcome.queue, "default");
    EXPECT_EQ(reader.find("old-1").value()->outcome.parent, "");
    OutcomeQuery in_batch;
    in_batch.batch = "b1";
    EXPECT_TRUE(reader.list(in_batch).value().empty());
    EXPECT_TRUE(reader.children("old-1").value().empty());
    OutcomeQuery by_default;
    by_default.queue = "default";
    EXPECT_EQ(ids_of(reader.list(by_default).value()),
              (std::vector<std::string>{"old-2", "old-1"}));
    OutcomeQuery elsewhere;
    elsewhere.queue = "critical";
    EXPECT_TRUE(reader.list(elsewhere).value().empty());
    EXPECT_EQ(reader.totals().value().cancelled, 0u);
  }
  std::vector<std::string> notices;
  const auto note = [&notices](const std::string& what) { notices.push_back(what); };
  {
    OutcomeStore sink(path_, OutcomeStore::Access::kReadWrite, note);  // a new sink upgrades it
    ASSERT_EQ(notices.size(), 2u) << "jobs and attempts, each copied once";
    EXPECT_EQ(notices[0], "upgrading the outcome store " + path_.string() +
                              " to record cancelled jobs: copying its jobs table, once (about "
                              "15 s a million jobs)");
    auto in_critical = cancelled_outcome("new-1", 1);
    in_critical.queue = "critical";
    // old-3 waited for its retry when the sink stopped; it is cancelled now.
    const auto recorded = sink.record({in_critical, cancelled_outcome("old-3", 1)}, 40);
    ASSERT_TRUE(recorded.ok()) << recorded.error().message;
    EXPECT_TRUE(recorded.value()[0].is_new);
    EXPECT_TRUE(recorded.value()[1].is_new);
    // A repeat of old-2's last attempt still hears what was kept.
    auto repeat = make_outcome("old-2", OutcomeStatus::kFailed);
    repeat.attempt = repeat.max_attempts = 2;
    const auto repeated = sink.record({repeat}, 41);
    ASSERT_TRUE(repeated.ok());
    EXPECT_FALSE(repeated.value()[0].is_new);
    EXPECT_TRUE(repeated.value()[0].final);
    // So does a repeat of a success recorded before workflows: it made nothing.
    const auto old_success = sink.record({make_outcome("old-1", OutcomeStatus::kSucceeded)}, 42);
    ASSERT_TRUE(old_success.ok()) << old_success.error().message;
    EXPECT_FALSE(old_success.value()[0].is_new);
    EXPECT_TRUE(old_success.value()[0].follow_ups.empty());
    EXPECT_FALSE(old_success.value()[0].next.has_value());
  }
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite, note);  // again: nothing to do
  EXPECT_EQ(notices.size(), 2u);
  EXPECT_EQ(ids_of(store.list({}).value()),
            (std::vector<std::string>{"old-3", "new-1", "old-2", "old-1"}));
  // Followers hold a row number: the old jobs keep theirs.
  std::int64_t after = 5;
  EXPECT_EQ(ids_of(store.recorded_after(after, 10).value()),
            (std::vector<std::string>{"old-2", "new-1", "old-3"}));
  const auto old = store.find("old-1").value();
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->outcome.queue, "default");
  EXPECT_EQ(old->outcome.result.to_json(), nlohmann::json({{"n", 1}}));
  EXPECT_EQ(old->recorded_ms, 10u);
  const auto old_attempts = store.attempts("old-1").value();
  ASSERT_EQ(old_attempts.size(), 1u);
  EXPECT_EQ(old_attempts[0].key, "k");
  EXPECT_EQ(old_attempts[0].payload->to_json(), nlohmann::json({{"to", "ann"}}));
  EXPECT_EQ(store.attempts("old-2").value().size(), 2u);
  OutcomeQuery critical;
  critical.queue = "critical";
  critical.status = OutcomeStatus::kCancelled;
  EXPECT_EQ(ids_of(store.list(critical).value()), (std::vector<std::string>{"new-1"}));
  const auto totals = store.totals().value();
  EXPECT_EQ(totals.succeeded, 1u);
  EXPECT_EQ(totals.failed, 1u);
  EXPECT_EQ(totals.cancelled, 2u);
  EXPECT_EQ(store.prune_batch(25, 10).value().jobs, 2u) << "old-1 and old-2 go";

  // The indexes are all there, and the tables still refuse a status that means nothing.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db,
                         "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                         "ORDER BY name",
                         -1, &s, nullptr),
      SQLITE_OK);
  std::vector<std::string> indexes;
  while (sqlite3_step(s) == SQLITE_ROW) {
    indexes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  EXPECT_EQ(indexes, (std::vector<std::string>{"jobs_by_batch", "jobs_by_parent", "jobs_by_queue",
                                               "jobs_by_recorded", "jobs_by_type", "jobs_cancelled",
                                               "jobs_failed"}));
  for (const char* sql : {"UPDATE jobs SET status = 'lost' WHERE id = 'new-1'",
                          "UPDATE attempts SET status = 'lost' WHERE id = 'new-1'"}) {
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_CONSTRAINT) << sql;
  }
  sqlite3_close(db);
}

// A succeeded job that made two follow-ups and has a chain of two steps to go.
Outcome workflow_outcome(const std::string& id) {
  auto o = make_outcome(id, OutcomeStatus::kSucceeded, "resize");
  o.parent = "mx-1";
  o.batch = "mx-b1";
  o.result = Payload::from_json({{"width", 256}});
  o.follow_ups = {JobSpec{"index", Payload::from_json({{"n", 1}}), 0, 0},
                  JobSpec{"index", Payload::from_json({{"n", 2}}), 0, 0}};
  o.then = {JobSpec{"upload", Payload::from_json({{"to", "s3"}}), 0, 0},
            JobSpec{"notify", Payload(), 0, 0}};
  return o;
}

TEST_F(OutcomeStoreTest, KeepsTheParentBatchAndWhatASucceededJobMade) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  const auto o = workflow_outcome("mx-1.1");
  auto dead = workflow_outcome("mx-1.2");
  dead.status = OutcomeStatus::kFailed;
  dead.error_code = "invalid";
  const auto recorded = store.record({o, dead}, 1);
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  const auto next = chain_next(o.then, o.id, o.result);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->payload.to_json(),
            nlohmann::json(
                {{"to", "s3"}, {"previous_result", {{"width", 256}}}, {"previous_job", "mx-1.1"}}));
  EXPECT_EQ(recorded.value()[0].follow_ups, o.follow_ups);
  EXPECT_EQ(recorded.value()[0].next, next);
  EXPECT_TRUE(recorded.value()[1].follow_ups.empty()) << "a dead job makes none";
  EXPECT_FALSE(recorded.value()[1].next.has_value());

  OutcomeStore reader(path_, OutcomeStore::Access::kReadOnly);
  const auto found = reader.find("mx-1.1").value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->outcome.parent, "mx-1");
  EXPECT_EQ(found->outcome.batch, "mx-b1");
  EXPECT_EQ(found->outcome.follow_ups, o.follow_ups);
  EXPECT_EQ(found->next, next);
  const auto found_dead = reader.find("mx-1.2").value();
  EXPECT_EQ(found_dead->outcome.batch, "mx-b1");
  EXPECT_TRUE(found_dead->outcome.follow_ups.empty());
  EXPECT_FALSE(found_dead->next.has_value());
  const auto plain = make_outcome("mx-2", OutcomeStatus::kSucceeded);
  ASSERT_TRUE(store.record({plain}, 2).ok());
  auto expected = plain;
  expected.queue = "default";
  EXPECT_EQ(reader.find("mx-2").value()->outcome, expected) << "no parent, batch or follow-ups";
  EXPECT_FALSE(reader.find("mx-2").value()->next.has_value());
}

TEST_F(OutcomeStoreTest, ADuplicateOfASuccessHearsWhatTheFirstOutcomeMade) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  const auto first = workflow_outcome("mx-1.1");
  ASSERT_TRUE(store.record({first}, 1).ok());
  // The job ran twice: the same attempt, and a later one, each made other jobs.
  auto again = first;
  again.follow_ups = {JobSpec{"other", Payload(), 0, 0}};
  again.result = Payload::from_json("different");
  auto later = again;
  later.attempt = 2;
  later.max_attempts = 2;
  auto failed_later = make_outcome("mx-1.1", OutcomeStatus::kFailed);
  failed_later.attempt = failed_later.max_attempts = 3;
  const auto repeats = store.record({again, later, failed_later}, 2);
  ASSERT_TRUE(repeats.ok()) << repeats.error().message;
  const auto next = chain_next(first.then, first.id, first.result);
  for (const auto& entry : repeats.value()) {
    EXPECT_FALSE(entry.is_new);
    EXPECT_TRUE(entry.final);
    EXPECT_EQ(entry.status, OutcomeStatus::kSucceeded);
    EXPECT_EQ(entry.follow_ups, first.follow_ups);
    EXPECT_EQ(entry.next, next);
  }
  EXPECT_EQ(store.find("mx-1.1").value()->outcome.follow_ups, first.follow_ups);
}

TEST_F(OutcomeStoreTest, ListsABatchsJobsAndTheJobsAJobMade) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadWrite);
  auto a = workflow_outcome("mx-1.1");
  auto b = workflow_outcome("mx-1.2");
  b.status = OutcomeStatus::kFailed;
  b.error_code = "invalid";
  auto elsewhere = workflow_outcome("mx-3.1");
  elsewhere.parent = "mx-3";
  elsewhere.batch = "mx-b2";
  auto step = make_outcome("mx-1.1.s1", OutcomeStatus::kSucceeded, "upload");
  step.parent = "mx-1.1";
  ASSERT_TRUE(
      store.record({a, b, elsewhere, step, make_outcome("mx-4", OutcomeStatus::kSucceeded)}, 1)
          .ok());
  OutcomeQuery batch;
  batch.batch = "mx-b1";
  EXPECT_EQ(ids_of(store.list(batch).value()), (std::vector<std::string>{"mx-1.2", "mx-1.1"}));
  batch.status = OutcomeStatus::kFailed;
  EXPECT_EQ(ids_of(store.list(batch).value()), (std::vector<std::string>{"mx-1.2"}));
  batch.batch = "mx-b9";
  EXPECT_TRUE(store.list(batch).value().empty());
  EXPECT_EQ(ids_of(store.children("mx-1").value()), (std::vector<std::string>{"mx-1.1", "mx-1.2"}));
  EXPECT_EQ(ids_of(store.children("mx-1.1").value()), (std::vector<std::string>{"mx-1.1.s1"}));
  EXPECT_TRUE(store.children("mx-4").value().empty());
}

}  // namespace
}  // namespace zpipe
