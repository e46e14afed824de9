// Journal: the ventilator's durable record of every job it has accepted and not yet seen to a
// final outcome, and of dead jobs (kept for `zpipe retry`), in SQLite with a write-ahead log.
// Writes collect in one open transaction; commit() ends it, before producers are told
// "accepted". What a crash can lose depends on the Durability level (durability.hpp).
// One instance per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/decode_limits.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/database_files.hpp"
#include "ventilator/batch_record.hpp"
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
  std::vector<RestoredJob> load_live();  // large payloads left in the file (payload_of())
  // The totals as last saved (save_totals()); zero in a new journal.
  PipelineCounts load_totals();
  // Settings by name: "paused:QUEUE" -> "1", "limit:TEXT" -> TEXT.
  std::map<std::string, std::string> settings();
  // The recurring jobs' specs, as save_schedule() was given them, by name.
  std::vector<std::string> schedules();
  // The batches, oldest first, with their dead jobs' ids. Throws as load_live() does.
  std::vector<BatchRecord> load_batches();
  std::uint64_t count_dead();
  // The dead jobs of each type.
  std::map<std::string, std::uint64_t> count_dead_by_type();
  // What opening found worth telling the operator (a torn tail, unreadable rows).
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The pipeline's identity: made with the journal, kept as long as it is.
  const std::string& pipeline() const { return pipeline_; }
  // The dead jobs among these ids (each once, however often named).
  Result<std::vector<JournalRow>> find_dead(const std::vector<std::string>& ids);

  // The writes below go into the open transaction (opened on first use). Each is also kept
  // until it commits: when the disk has no room for it, SQLite rolls the whole transaction
  // back, and commit() writes it all again once there is room. A write that fails otherwise
  // throws std::runtime_error: the journal would fall behind what the ventilator holds.
  std::int64_t add(const TrackedJob& job, const std::string& unique_key = {});  // returns its row
  // The job at `row` is cancelled by `by`: it does not run again, even after a restart, and
  // is removed once the sink has recorded it.
  void cancel(std::int64_t row, const std::string& by);
  void save_totals(const PipelineCounts& totals);
  void set_setting(const std::string& name, const std::string& value);   // empty value: removes
  void save_schedule(const std::string& name, const std::string& spec);  // empty spec: removes
  void remove(std::int64_t row);
  // Saves a batch's record (not its dead ids); add_batch_dead() adds one of those.
  void save_batch(const BatchRecord& batch);
  void add_batch_dead(const std::string& batch, const std::string& job);
  void forget_batch(const std::string& batch);
  void reschedule(std::int64_t row, std::uint32_t attempt, std::uint64_t due_ms);
  void bury(std::int64_t row, std::uint32_t attempt);  // the job is dead
  // Dead jobs selected, made live again with a fresh round of attempts; returns them. Rows that
  // cannot be run stay dead. An Error when the dead jobs cannot be read.
  Result<std::vector<TrackedJob>> revive(const DeadSelection& selection, std::uint64_t now_ms);
  // Deletes the selected dead jobs; returns their ids. `types`, when given, gets each one's
  // type, in the same order.
  Result<std::vector<std::string>> discard(const DeadSelection& selection,
                                           std::vector<std::string>* types = nullptr);

  // Makes every write so far durable (see Durability). Batched durability: the checkpointer's
  // thread fsyncs the log within a second. A disk too full to take them gives kDiskFull: the
  // writes are kept, and a later commit() writes them again and commits; any other failure
  // throws std::runtime_error.
  Result<Ok> commit();
  // The payload of the job at `row` (one loaded with its payload left in the file). Throws
  // std::runtime_error when the row is gone.
  Payload payload_of(std::int64_t row);
  // Bytes of the file's pages that finished jobs freed: new jobs reuse them before the file
  // grows (it never shrinks).
  std::uint64_t reusable_bytes();
  // On a disk short of room (`tight`), the log is kept to 2 MiB (WalCheckpointer): a
  // ventilator that finishes jobs without a pause never lets it start over on its own, and it
  // grew into the room kept for the sink.
  void keep_log_short(bool tight);
  // What the log may still grow by while kept short: room the disk must keep for it beside
  // the reserve. 0 unless the log is kept short.
  std::uint64_t log_growth_bytes() const;
  // Ok while the journal's files are the ones opened (sqlite/database_files.hpp); else what
  // happened to them. Check it after commit(), before confirming what was committed.
  Result<Ok> check_files();

 private:
  // One write of the open transaction, as it can be made again.
  struct Write {
    enum class Kind {
      kInsert,
      kDelete,
      kReschedule,
      kBury,
      kRevive,
      kCancel,
      kTotal,
      kSetting,
      kSchedule,
      kBatch,
      kBatchDead,
      kBatchForget
    } kind;
    std::int64_t row = 0;
    std::uint32_t attempt = 0;
    std::uint32_t max_attempts = 0;  // kRevive
    std::uint64_t due_ms = 0;        // kReschedule, kRevive; kTotal: the value
    std::optional<TrackedJob> job;   // kInsert: the whole job, payload included
    // kInsert: the unique key; kCancel: by whom; kTotal, kSetting, kSchedule: the name.
    std::string text{};
    std::string value{};  // kSetting, kSchedule; kInsert: its workflow; kBatchDead: the job
    std::shared_ptr<const BatchRecord> batch{};  // kBatch
  };
  void upgrade_jobs_table();
  static void must(Result<Ok> done);
  void begin_if_needed();
  // Keeps `write` for the commit and makes it now, unless the disk already turned the
  // transaction away (then commit() makes them all again).
  void apply(Write write);
  Result<Ok> make(const Write& write);
  // The disk had no room: whatever SQLite still holds of the transaction goes; the writes are
  // made again at the next commit().
  void lose_transaction();
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
  sqlite::Statement revive_;
  sqlite::Statement cancel_;
  sqlite::Statement save_total_;
  sqlite::Statement set_setting_;
  sqlite::Statement clear_setting_;
  sqlite::Statement save_schedule_;
  sqlite::Statement remove_schedule_;
  sqlite::Statement save_batch_;
  sqlite::Statement add_batch_dead_;
  sqlite::Statement forget_batch_;
  sqlite::Statement forget_batch_dead_;
  bool in_transaction_ = false;  // a BEGIN is open
  std::vector<Write> writes_;    // since the last commit
  bool remake_writes_ = false;   // the transaction was lost: writes_ are in no transaction
  std::int64_t next_row_ = 1;    // rows are given here, so that a write can be made again
  std::unique_ptr<WalCheckpointer> checkpointer_;  // copies the log back, fsyncing it first
  std::vector<std::string> warnings_;
  std::string pipeline_;
};

}  // namespace zpipe
