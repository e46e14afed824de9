// OutcomeStore: the sink's durable record of job outcomes, one row per job id, in SQLite (WAL).
// The sink writes it; `zpipe results/failures/show` and plain `sqlite3` read it. The schema is
// documented in README.md ("Reading results"). One instance per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/job_page_query.hpp"
#include "common/outcome.hpp"
#include "common/result.hpp"
#include "common/sqlite/database.hpp"
#include "common/sqlite/database_files.hpp"
#include "common/type_stats.hpp"

namespace zpipe {

class WalCheckpointer;

// A job's end as recorded: its final outcome, with `parent`, `batch` and, when it succeeded, the
// `follow_ups` it made (not `then`: `next` is its chain's next step, made from it).
struct StoredOutcome {
  Outcome outcome;
  std::uint64_t recorded_ms = 0;
  std::optional<JobSpec> next{};
};

struct OutcomeQuery {
  std::optional<OutcomeStatus> status;
  std::string type;        // empty: any
  std::size_t limit = 20;  // newest first
  std::string queue{};     // empty: any; "default" also finds jobs recorded without a queue
  std::string batch{};     // empty: any
};

// A recorded job's type, how it ended and how long its final attempt ran.
struct RecordedRunTime {
  std::string type;
  OutcomeStatus status{};
  std::uint64_t run_us = 0;
};

// A job of a page, with the row it is in: the cursor of the page after it.
struct PagedJob {
  std::int64_t row = 0;
  StoredOutcome stored;
};

// Recorded jobs, newest first, and where the next page starts (none: this is the last).
struct JobPage {
  std::vector<PagedJob> jobs;
  std::optional<std::int64_t> next;
};

// Jobs recorded, by how they ended.
struct StoreTotals {
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;  // dead
  std::uint64_t cancelled = 0;
};

// What a prune deleted, or would delete.
struct PruneCount {
  std::uint64_t jobs = 0;
  std::uint64_t attempts = 0;

  PruneCount& operator+=(const PruneCount& other) {
    jobs += other.jobs;
    attempts += other.attempts;
    return *this;
  }
};

// Jobs a prune deletes per transaction (zpipe prune, the sink's --keep): a batch takes about
// 10 ms, so that a commit of the sink waits for one at most that long (measured in a store of a
// million rows by OutcomeStoreTest.PruneBatchOfAMillionRowsIsShort).
inline constexpr std::size_t kPruneBatchJobs = 200;

class OutcomeStore {
 public:
  enum class Access { kReadWrite, kReadOnly };

  // Told what is about to take long when a store of an older zpipe is upgraded (read-write).
  using UpgradeNotice = std::function<void(const std::string& what)>;

  // Opens the store, creating file and schema when writable, and upgrading a store an older
  // zpipe made (once; about 15 s a million jobs: `notice` hears of it first). Throws
  // std::runtime_error naming the path when it cannot (read-only: when no store exists there
  // yet).
  OutcomeStore(const std::filesystem::path& path, Access access, const UpgradeNotice& notice = {});
  ~OutcomeStore();
  OutcomeStore(const OutcomeStore&) = delete;
  OutcomeStore& operator=(const OutcomeStore&) = delete;

  struct Recorded {
    // false: a duplicate. This attempt was recorded before, or the job's end was (a job ends
    // once: its first succeeded, dead or cancelled outcome stays); that record stays.
    bool is_new = false;
    OutcomeStatus status{};  // the job's status if final, else the attempt's, as stored
    bool final = false;      // the job is over (succeeded, dead or cancelled)
    // A job whose end is a success: what it made, as stored from the outcome that ended it (for
    // a duplicate too): its handler's follow-ups and its chain's next step. Else empty.
    std::vector<JobSpec> follow_ups{};
    std::optional<JobSpec> next{};
  };
  // Records, in one transaction, each outcome's attempt (once per job and attempt) and, when
  // the job is over, the job (once per job; a dead job that `zpipe retry` brought back ends
  // again with a later attempt). A cancelled outcome ends its job even when it comes under an
  // attempt already recorded as failed (the ventilator cancels a job waiting for its retry).
  // A succeeded job's end keeps its parent and batch, its follow-ups, and its chain's next step
  // (chain_next() of its `then` and result). Returns one entry per outcome. On a storage error
  // nothing of the batch is recorded.
  Result<std::vector<Recorded>> record(const std::vector<Outcome>& outcomes, std::uint64_t now_ms);

  // The reads below say why when the store cannot be read (a damaged file, a lock held too
  // long), rather than answer "nothing".
  // The job's final outcome, if recorded.
  Result<std::optional<StoredOutcome>> find(const std::string& id);
  // Jobs first recorded after row `after` (0: from the start), oldest first, at most `limit`;
  // `after` moves to the last one returned. For following a store as it grows.
  Result<std::vector<StoredOutcome>> recorded_after(std::int64_t& after, std::size_t limit);
  Result<std::int64_t> last_row();
  // Jobs first recorded after row `after`, oldest first, at most `limit`: how each ended and
  // its final attempt's run time; `after` moves to the last one. For zpipe-web's histograms.
  Result<std::vector<RecordedRunTime>> run_times_after(std::int64_t& after, std::size_t limit);
  // Every recorded attempt of a job, first attempt first (the result is not kept per attempt).
  Result<std::vector<Outcome>> attempts(const std::string& id);
  Result<std::vector<StoredOutcome>> list(const OutcomeQuery& query);
  // One page of the jobs that match every filter of `query`, newest (last recorded) first, read
  // by keyset: `rowid < before ORDER BY rowid DESC LIMIT n`, through the index of the filter
  // with the fewest entries, so that a page reads about what it shows, on the first page as on
  // the thousandth (job_page_filters.hpp says which index serves which filter). An id prefix of
  // more than 2,000 ids (an older ventilator run's) whose ids are not among the newest 20,000
  // rows also reads its ids' entries in the id index (50 ms for 500,000). Bad input (a limit out
  // of 1..kJobPageMaxLimit) is kInvalid.
  // A time range reads only the rows between row_bound_recorded_since() and _until(), and
  // checks each row's recorded_ms.
  Result<JobPage> page(const JobPageQuery& query);
  // How SQLite reads the page of `query`: the lines of EXPLAIN QUERY PLAN ("SEARCH jobs USING
  // INDEX jobs_by_type (type=? AND rowid<?)"); none when a filter's index alone showed that no
  // job matches. For tests and the bench.
  Result<std::vector<std::string>> explain_page(const JobPageQuery& query);
  // Per type, the jobs recorded at or after `since_ms` (Unix ms) and their attempts: the newest
  // `max_jobs` of them at most (type_stats.hpp says what each figure counts). The cost is
  // a read of each such job and its attempts (one index lookup per job): about 120 ms for
  // 100,000 jobs on the 2-core VM of bench/README.md.
  Result<TypeStatsReport> type_stats(std::uint64_t since_ms,
                                     std::uint64_t max_jobs = kTypeStatsMaxJobs);
  // The jobs recorded whose parent is `id`, oldest first: those it made, as far as they ended.
  Result<std::vector<StoredOutcome>> children(const std::string& id);
  Result<StoreTotals> totals();

  // Retention. A job goes with all its attempts, once its final outcome was recorded before
  // `before_ms` (Unix ms); attempts of a job with no final outcome stay (it may be retried).
  // What prune_batch() would delete, all batches together.
  Result<PruneCount> count_recorded_before(std::uint64_t before_ms);
  // Read-write: deletes, in one transaction, the oldest `max_jobs` jobs recorded before
  // `before_ms`, with their attempts. Fewer than `max_jobs` deleted: none are left. Small
  // batches keep each transaction short, so that the sink's commits never wait long for one.
  // The file never shrinks (no VACUUM: sqlite/database_files.hpp takes a shrinking file for
  // damage); SQLite reuses the freed pages for new rows.
  Result<PruneCount> prune_batch(std::uint64_t before_ms, std::size_t max_jobs);
  // Bytes of the file on free pages, which SQLite reuses before growing the file.
  Result<std::uint64_t> reusable_bytes();

  // Read-write: on a disk short of room, the log is kept to 2 MiB (WalCheckpointer), so that
  // the store itself keeps room to grow into as the log is copied back.
  void keep_log_short(bool tight);
  // What the log may still grow by while kept short (WalCheckpointer); else 0.
  std::uint64_t log_growth_bytes() const;

  // Read-write: Ok while the store's files are the ones opened (sqlite/database_files.hpp);
  // else what happened to them. Call it after recording and before acknowledging.
  Result<Ok> check_files();

 private:
  Result<Recorded> record_one(const Outcome& outcome, std::uint64_t now_ms);
  // Records the job's end from `outcome`, unless its end was recorded first: then the duplicate
  // says what was kept.
  Result<Recorded> record_job(const Outcome& outcome, std::uint64_t now_ms);
  // The columns of a jobs row, as read_row() takes them: a store an older sink wrote, opened
  // read-only before a newer sink upgraded it, reads the columns added since as their defaults.
  Result<std::string> job_columns();
  // What a page binds, and the SQL that reads it (none: the page is empty, as a filter's index
  // showed); `values` holds what the statements bind, and must outlive them.
  struct PageValues;
  Result<std::optional<std::string>> page_sql(PageValues& values);
  // Rows that bound the jobs recorded in a time range, read from jobs_by_recorded. Rows are
  // added as jobs are recorded, so that their order is that of time, but for a dead job that
  // `zpipe retry` brought back and that ended again: it keeps its row (where list() and page()
  // show it), with the time of its last end; and for jobs recorded after a clock was set back.
  // A row at or below every job recorded at or after `from_ms` (none: no job was), but for jobs
  // that ended again, in older rows: a range finds such a one only if its row is within it. Too
  // high only if, after a clock was set back, the first 64 jobs recorded from then on are all in
  // rows after those of the time it went back over.
  Result<std::optional<std::int64_t>> row_bound_recorded_since(std::uint64_t from_ms);
  // A row at or above every job recorded at or before `to_ms` (none: no job was; the largest
  // row when no job was recorded after). Too low only if the 1,000 jobs recorded last until then
  // were all out of order, and so were the 1,000 recorded right after.
  Result<std::optional<std::int64_t>> row_bound_recorded_until(std::uint64_t to_ms);

  std::filesystem::path path_;
  std::optional<sqlite::Database> db_;
  bool writable_ = false;
  std::string job_columns_;  // job_columns(), once known
  // With it: the queue, batch and parent columns, or what stands for them.
  std::string queue_column_;
  std::string batch_column_;
  std::string parent_column_;
  sqlite::Statement insert_attempt_;
  sqlite::Statement upsert_job_;
  sqlite::Statement select_job_status_;  // of a job whose end is recorded
  sqlite::Statement select_attempt_status_;
  sqlite::Statement select_oldest_jobs_;  // prune_batch()
  sqlite::Statement delete_attempts_;
  sqlite::Statement delete_job_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // read-write only: copies the log back
  std::optional<sqlite::DatabaseFiles> files_;     // read-write only
  // The JSON texts of the outcome being recorded, bound without a copy; kept, so that their
  // room serves every outcome.
  std::string payload_text_;
  std::string result_text_;
};

}  // namespace zpipe
