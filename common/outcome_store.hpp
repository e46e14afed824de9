// OutcomeStore: the sink's durable record of job outcomes, one row per job id, in SQLite (WAL).
// The sink writes it; `zpipe results/failures/show` and plain `sqlite3` read it. The schema is
// documented in README.md ("Reading results"). One instance per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/outcome.hpp"
#include "common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace zpipe {

class WalCheckpointer;

struct StoredOutcome {
  Outcome outcome;
  std::uint64_t recorded_ms = 0;
};

struct OutcomeQuery {
  std::optional<OutcomeStatus> status;
  std::string type;        // empty: any
  std::size_t limit = 20;  // newest first
};

struct StoreTotals {
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
};

class OutcomeStore {
 public:
  enum class Access { kReadWrite, kReadOnly };

  // Opens the store, creating file and schema when writable. Throws std::runtime_error naming
  // the path when it cannot (read-only: when no store exists there yet).
  OutcomeStore(const std::filesystem::path& path, Access access);
  ~OutcomeStore();
  OutcomeStore(const OutcomeStore&) = delete;
  OutcomeStore& operator=(const OutcomeStore&) = delete;

  struct Recorded {
    bool is_new = false;     // false: this attempt was recorded before and that record stays
    OutcomeStatus status{};  // the job's status if final, else the attempt's, as stored
    bool final = false;      // the job is over (succeeded, or failed on its last attempt)
  };
  // Records, in one transaction, each outcome's attempt (once per job and attempt) and, when
  // the job is over, the job (once per job). Returns one entry per outcome. On a storage error
  // nothing of the batch is recorded.
  Result<std::vector<Recorded>> record(const std::vector<Outcome>& outcomes, std::uint64_t now_ms);

  // The job's final outcome, if recorded.
  std::optional<StoredOutcome> find(const std::string& id);
  // Jobs first recorded after row `after` (0: from the start), oldest first, at most `limit`;
  // `after` moves to the last one returned. For following a store as it grows.
  std::vector<StoredOutcome> recorded_after(std::int64_t& after, std::size_t limit);
  std::int64_t last_row();
  // Every recorded attempt of a job, first attempt first (the result is not kept per attempt).
  std::vector<Outcome> attempts(const std::string& id);
  std::vector<StoredOutcome> list(const OutcomeQuery& query);
  StoreTotals totals();

 private:
  void exec(const char* sql);
  void finalize_statements();
  // Schema upgrade of a store from an older zpipe (read-write opens only).
  void add_column_if_missing(const char* table, const char* column, const char* definition);
  bool has_column(const char* table, const char* column);
  sqlite3_stmt* prepare(const char* sql);

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_attempt_ = nullptr;
  sqlite3_stmt* upsert_job_ = nullptr;
  sqlite3_stmt* select_job_status_ = nullptr;
  sqlite3_stmt* select_attempt_status_ = nullptr;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // read-write only: copies the log back
};

}  // namespace zpipe
