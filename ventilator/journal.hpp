// Journal: the ventilator's durable record of every job it has accepted and not yet seen to a
// final outcome, and of dead jobs (kept for `zpipe retry`), in SQLite with a write-ahead log.
// Writes collect in one open transaction; commit() ends it, before producers are told
// "accepted". What a crash can lose depends on the Durability level (durability.hpp).
// One instance per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/decode_limits.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/database_files.hpp"
#include "ventilator/durability.hpp"
#include "ventilator/journal_row.hpp"
#include "ventilator/tracked_job.hpp"

namespace zpipe {

class WalCheckpointer;

class Journal {
 public:
  // Opens (creating when absent) the journal at `path`. Precondition: durability is not kNone.
  // Jobs read back are held to `limits` (the ventilator's), as workers will hold them.
  // Throws std::runtime_error naming the file when it cannot be opened or is damaged; a torn
  // tail of the write-ahead log (a crash mid-write) is not damage: SQLite rolls back to the
  // last complete commit, and warnings() says how many bytes were dropped.
  Journal(const std::filesystem::path& path, Durability durability, DecodeLimits limits = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Jobs to run, in submission order, each with its journal row and retry due time. Rows that
  // cannot be run (restore_job() in journal_row.hpp) are skipped and counted in warnings().
  // Both throw std::runtime_error saying the journal is damaged when it cannot be read.
  std::vector<TrackedJob> load_live();  // large payloads left in the file (payload_of())
  std::uint64_t count_dead();
  // What opening found worth telling the operator (a torn tail, unreadable rows).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The writes below go into the open transaction (opened on first use). A write that fails
  // throws std::runtime_error: the journal would fall behind what the ventilator holds.
  std::int64_t add(const TrackedJob& job);  // returns its row
  void remove(std::int64_t row);
  void reschedule(std::int64_t row, std::uint32_t attempt, std::uint64_t due_ms);
  void bury(std::int64_t row, std::uint32_t attempt);  // the job is dead
  // Dead jobs selected, made live again with a fresh round of attempts; returns them. Rows that
  // cannot be run stay dead. An Error when the dead jobs cannot be read.
  Result<std::vector<TrackedJob>> revive(const DeadSelection& selection, std::uint64_t now_ms);
  // Deletes the selected dead jobs; returns their ids.
  Result<std::vector<std::string>> discard(const DeadSelection& selection);

  // Makes every write so far durable (see Durability). Batched durability: the checkpointer's
  // thread fsyncs the log within a second. A disk too full to take the commit gives kDiskFull
  // and keeps the transaction open, whole, for a later commit() to try again; any other
  // failure, or one that lost the transaction, throws std::runtime_error.
  Result<Ok> commit();
  // The payload of the job at `row` (one loaded with its payload left in the file). Throws
  // std::runtime_error when the row is gone.
  Payload payload_of(std::int64_t row);
  // Bytes of the file's pages that finished jobs freed: new jobs reuse them before the file
  // grows (it never shrinks).
  std::uint64_t reusable_bytes();
  // Ok while the journal's files are the ones opened (sqlite/database_files.hpp); else what
  // happened to them. Check it after commit(), before confirming what was committed.
  Result<Ok> check_files();

 private:
  static void must(Result<Ok> done);
  void begin_if_needed();
  Result<std::vector<JournalRow>> select_dead(const DeadSelection& selection);

  std::filesystem::path path_;
  DecodeLimits limits_;
  std::optional<sqlite::Database> db_;
  std::optional<sqlite::DatabaseFiles> files_;
  sqlite::Statement insert_;
  sqlite::Statement delete_;
  sqlite::Statement reschedule_;
  sqlite::Statement free_pages_;
  sqlite::Statement select_payload_;
  sqlite::Statement bury_;
  bool in_transaction_ = false;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // copies the log back, fsyncing it first
  std::vector<std::string> warnings_;
};

}  // namespace zpipe
