#include "common/outcome_store.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "common/follow_ups.hpp"
#include "common/job.hpp"
#include "common/job_page_filters.hpp"
#include "common/protocol.hpp"
#include "common/sqlite/wal_checkpointer.hpp"

namespace zpipe {
namespace {

// The tables as this version makes them. A store an older zpipe made is brought to them when a
// sink opens it (upgrade_statuses(), kAddedColumns).
constexpr const char* kJobsColumns = R"sql(
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled')),
  error_code   TEXT NOT NULL DEFAULT '',
  error        TEXT NOT NULL DEFAULT '',
  attempt      INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  worker       TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  started_ms   INTEGER NOT NULL,
  finished_ms  INTEGER NOT NULL,
  recorded_ms  INTEGER NOT NULL,
  result       TEXT NOT NULL DEFAULT 'null',
  queue        TEXT NOT NULL DEFAULT 'default',
  parent       TEXT,
  batch        TEXT,
  follow_ups   BLOB,
  next_step    BLOB
)sql";
constexpr const char* kAttemptsColumns = R"sql(
  id           TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled')),
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
)sql";

struct Table {
  const char* name;
  const char* columns;
  const char* options;
};
constexpr Table kTables[] = {{"jobs", kJobsColumns, ""},
                             {"attempts", kAttemptsColumns, " WITHOUT ROWID"}};

std::string create_table(const Table& table, const std::string& name) {
  return "CREATE TABLE IF NOT EXISTS " + name + " (" + table.columns + ")" + table.options + ";\n";
}

std::string schema() {
  std::string sql;
  for (const auto& table : kTables) sql += create_table(table, table.name);
  return sql +
         "CREATE INDEX IF NOT EXISTS jobs_failed ON jobs (status) WHERE status = 'failed';\n"
         "CREATE INDEX IF NOT EXISTS jobs_by_type ON jobs (type);\n";
}

// Columns a store of an older zpipe lacks, added in place when a sink opens it (the attempts it
// recorded then read with the default).
struct AddedColumn {
  const char* table;
  const char* name;
  const char* definition;
  const char* absent;  // what it reads as in a store not yet upgraded (opened read-only)
};
constexpr AddedColumn kAddedColumns[] = {
    // Its rows read as '' (no key known).
    {"attempts", "key", "TEXT NOT NULL DEFAULT ''", "''"},
    // Its rows read as NULL and 0: the payload was not sent back.
    {"attempts", "payload", "TEXT", "NULL"},
    {"attempts", "payload_bytes", "INTEGER NOT NULL DEFAULT 0", "0"},
    // Its jobs ran before there were queues: all in the default one.
    {"jobs", "queue", "TEXT NOT NULL DEFAULT 'default'", "'default'"},
    // Its jobs ran before workflows: none was made by another, in a batch, or made any.
    {"jobs", "parent", "TEXT", "NULL"},
    {"jobs", "batch", "TEXT", "NULL"},
    {"jobs", "follow_ups", "BLOB", "NULL"},
    {"jobs", "next_step", "BLOB", "NULL"},
};

// Indexes on columns added since the first stores, made once the columns are there.
constexpr const char* kAddedIndexes[] = {
    // Jobs by the time they were recorded, for pruning the oldest (OutcomeStore::prune). New
    // rows come at its end, so keeping it up costs little beside each insert.
    "CREATE INDEX IF NOT EXISTS jobs_by_recorded ON jobs (recorded_ms)",
    // `zpipe results --queue Q`: newest first within the queue, without reading the others. Only
    // jobs of named queues: an entry for each job of the default one cost the sink a tenth of
    // its time, for a listing that finds its rows fast enough by reading the newest jobs.
    "CREATE INDEX IF NOT EXISTS jobs_by_queue ON jobs (queue) WHERE queue <> 'default'",
    // `zpipe results --status cancelled` and the totals: few rows, so it costs the sink nothing
    // for the others (a query must say status = 'cancelled' in its text to use it).
    "CREATE INDEX IF NOT EXISTS jobs_cancelled ON jobs (status) WHERE status = 'cancelled'",
    // `zpipe results --batch B` and the children `zpipe show` lists: only the jobs of a batch,
    // or made by another, have an entry (`batch = ?` is enough for SQLite to use it).
    "CREATE INDEX IF NOT EXISTS jobs_by_batch ON jobs (batch) WHERE batch IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS jobs_by_parent ON jobs (parent) WHERE parent IS NOT NULL",
};

// A store an older zpipe made allows only 'succeeded' and 'failed' in its tables' status
// columns. SQLite cannot change a CHECK constraint in place: such a table is copied into one of
// this version's shape (jobs keep their rowids, by which they are listed and followed) and the
// copy takes its name, in one transaction. Once per store; its indexes are made again after.
void upgrade_statuses(sqlite::Database& db, const OutcomeStore::UpgradeNotice& notice) {
  for (const auto& table : kTables) {
    const std::string name = table.name;
    // Read in a scope of their own: a table cannot be dropped while a statement reads.
    std::string columns = table.options[0] == '\0' ? "rowid" : "";
    {
      auto s =
          db.prepare_or_throw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?");
      s.bind_text(1, name);
      auto found = s.step();
      if (!found.ok()) throw std::runtime_error(found.error().message);
      if (!found.value() || s.column_text(0).find("'cancelled'") != std::string::npos) continue;
      // The columns it has (a store older still lacks some: they take their defaults).
      auto listed = db.prepare_or_throw("SELECT name FROM pragma_table_info(?)");
      listed.bind_text(1, name);
      while (true) {
        auto row = listed.step();
        if (!row.ok()) throw std::runtime_error(row.error().message);
        if (!row.value()) break;
        columns += (columns.empty() ? "" : ", ") + listed.column_text(0);
      }
    }
    if (notice) {
      notice("upgrading " + db.what() + " to record cancelled jobs: copying its " + name +
             " table, once (about 15 s a million jobs)");
    }
    const auto copy = name + "_upgraded";
    db.exec_or_throw("BEGIN IMMEDIATE;\n" + create_table(table, copy) + "INSERT INTO " + copy +
                     " (" + columns + ") SELECT " + columns + " FROM " + name + ";\nDROP TABLE " +
                     name + ";\nALTER TABLE " + copy + " RENAME TO " + name + ";\nCOMMIT");
  }
}

// The columns read_row() reads, in its order, but for those of kAddedColumns (job_columns()).
constexpr const char* kJobColumns =
    "id, type, status, error_code, error, attempt, max_attempts, worker, created_ms, started_ms, "
    "finished_ms, recorded_ms, result";
constexpr int kJobColumnCount = 18;

// The specs the store wrote are read back whole: they passed the sink's limits on their way in,
// whatever those were.
DecodeLimits stored_spec_limits() {
  constexpr auto kAny = std::numeric_limits<std::size_t>::max();
  return {kAny, kAny, kAny, kAny, kAny, kAny, kAny, std::numeric_limits<std::uint64_t>::max()};
}

// What a job made, as the store keeps it: its specs as one msgpack array; NULL for none.
std::optional<std::string> made_column(const std::vector<JobSpec>& specs) {
  if (specs.empty()) return std::nullopt;
  return encode_job_specs(specs);
}

// Reads the specs of `column` (NULL: none).
Result<std::vector<JobSpec>> read_made(const sqlite::Statement& s, int column) {
  if (s.column_is_null(column)) return std::vector<JobSpec>();
  return decode_job_specs(s.column_blob(column), stored_spec_limits());
}

// Reads the follow-ups and next step of job `id` from columns `first` and `first + 1` into
// `follow_ups` and `next`.
Result<Ok> read_made(const sqlite::Statement& s, int first, const std::string& id,
                     std::vector<JobSpec>& follow_ups, std::optional<JobSpec>& next) {
  auto handlers = read_made(s, first);
  auto step = read_made(s, first + 1);
  for (auto* read : {&handlers, &step}) {
    if (!read->ok()) {
      return make_error(
          ErrorCode::kIo,
          "the jobs that " + id + " made cannot be read from the store: " + read->error().message);
    }
  }
  follow_ups = std::move(handlers).value();
  if (!step.value().empty()) next = std::move(step.value().front());
  return Ok{};
}

StoredOutcome read_row(const sqlite::Statement& s) {
  StoredOutcome row;
  auto& o = row.outcome;
  o.id = s.column_text(0);
  o.type = s.column_text(1);
  o.status = outcome_status_from(s.column_text(2)).value_or(OutcomeStatus::kFailed);
  o.error_code = s.column_text(3);
  o.error = s.column_text(4);
  o.attempt = static_cast<std::uint32_t>(s.column_u64(5));
  o.max_attempts = static_cast<std::uint32_t>(s.column_u64(6));
  o.worker = s.column_text(7);
  o.created_ms = s.column_u64(8);
  o.started_ms = s.column_u64(9);
  o.finished_ms = s.column_u64(10);
  row.recorded_ms = s.column_u64(11);
  auto result = Payload::parse_json(s.column_text(12));
  o.result = result.ok() ? std::move(result).value() : Payload();
  o.queue = s.column_text(13);
  o.parent = s.column_text(14);
  o.batch = s.column_text(15);
  // Specs that cannot be read (a damaged file) read as none.
  if (o.succeeded()) (void)read_made(s, 16, o.id, o.follow_ups, row.next);
  return row;
}

// Steps `s` to its end, adding each row `read` makes of it to `rows`.
template <class Row, class Read>
Result<std::vector<Row>> read_all(sqlite::Statement& s, Read read) {
  std::vector<Row> rows;
  while (true) {
    auto row = s.step();
    if (!row.ok()) return row.error();
    if (!row.value()) return rows;
    rows.push_back(read(s));
  }
}

// Unix ms as SQLite's integers hold them: "no bound" (the largest std::uint64_t) is the largest.
std::int64_t as_sql_ms(std::uint64_t ms) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(ms, std::numeric_limits<std::int64_t>::max()));
}

// A page's scan goes through the index of the filter with the fewest entries in the page's rows,
// counted first from each index alone (its entries hold the rowid), up to this many: at most
// 0.3 ms a count. A range (an id prefix), whose entries are all read and sorted, goes through
// its index only when it has at most this many in all: the scan reads no more.
constexpr std::uint64_t kDriverCountCap = 2000;

// The newest rows of a page that a wide id prefix (one with more ids than kDriverCountCap) is
// checked on before the page goes on from the newest of its ids below them: about 4 ms.
constexpr std::uint64_t kWideIdScanRows = 20'000;

// The jobs recorded last in a time range, and first after it, whose highest row bounds the
// range's rows (OutcomeStore::row_bound_recorded_until()): only as many jobs in a row recorded out
// of order could set the bound too low. About 0.3 ms.
constexpr std::uint64_t kRowBoundJobs = 1000;
// The jobs recorded first in a time range whose lowest row (but for jobs that ended again, in old
// rows) bounds the range's rows (OutcomeStore::row_bound_recorded_since()). About 0.1 ms.
constexpr std::uint64_t kRowBoundCandidates = 64;

}  // namespace

// What a page's statements bind (JobPageParam), kept alive while they step.
struct OutcomeStore::PageValues {
  const JobPageQuery& query;
  std::optional<std::string> id_end;
  std::int64_t first_row = std::numeric_limits<std::int64_t>::min();
  std::int64_t last_row = std::numeric_limits<std::int64_t>::max();
  std::size_t wanted = query.limit + 1;  // one more than the page holds: is there a next?
  // Set by page_sql(): the term of an id prefix that is checked on the rows read (it has too
  // many ids to sort); empty when none is.
  std::string wide_id_term{};

  // Binds the parameters `s` names.
  void bind(sqlite::Statement& s) const {
    const int named = s.parameter_count();
    auto names = [named](JobPageParam param) { return param <= named; };
    if (names(kParamFirstRow)) s.bind_i64(kParamFirstRow, first_row);
    if (names(kParamLastRow)) s.bind_i64(kParamLastRow, last_row);
    if (names(kParamType)) s.bind_text(kParamType, query.type);
    if (names(kParamQueue)) s.bind_text(kParamQueue, query.queue);
    if (names(kParamBatch)) s.bind_text(kParamBatch, query.batch);
    if (names(kParamIdFrom)) s.bind_text(kParamIdFrom, query.id_prefix);
    if (names(kParamIdTo) && id_end) s.bind_text(kParamIdTo, *id_end);
    if (names(kParamFromMs)) s.bind_i64(kParamFromMs, as_sql_ms(query.from_ms.value_or(0)));
    if (names(kParamToMs)) {
      s.bind_i64(kParamToMs,
                 as_sql_ms(query.to_ms.value_or(std::numeric_limits<std::uint64_t>::max())));
    }
    if (names(kParamLimit)) s.bind_u64(kParamLimit, wanted);
  }
};

OutcomeStore::OutcomeStore(const std::filesystem::path& path, Access access,
                           const UpgradeNotice& notice)
    : path_(path) {
  if (access == Access::kReadOnly) {
    if (!std::filesystem::exists(path)) {
      throw std::runtime_error("no outcome store at " + path.string() +
                               " (no sink has run with this data directory; pass --data-dir?)");
    }
    auto opened = sqlite::Database::open(path, sqlite::Database::Mode::kReadOnly,
                                         "the outcome store " + path.string());
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    db_.emplace(std::move(opened).value());
    return;
  }
  if (path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  auto opened = sqlite::Database::open_store(
      path, {"the outcome store", schema(), "jobs", "the outcomes", "start a new store"});
  if (!opened.ok()) throw std::runtime_error(opened.error().message);
  db_.emplace(std::move(opened).value());
  // WAL (open_store): readers never block the sink. synchronous=NORMAL: a commit survives a
  // crash of the process; a power failure may lose the last commits.
  db_->exec_or_throw("PRAGMA synchronous=NORMAL");
  // The status columns' CHECK (an IN list) made SQLite build a temporary B-tree at every insert,
  // a tenth of the sink's time. Only this writer writes them, from an OutcomeStatus; the
  // constraint stays in the schema for anyone else who writes.
  db_->exec_or_throw("PRAGMA ignore_check_constraints=ON");
  // What a store of an older zpipe lacks.
  upgrade_statuses(*db_, notice);
  db_->exec_or_throw(schema());
  // A store an earlier zpipe wrote indexed every status. Only failures are looked up by status,
  // and that index cost the sink a tenth of each outcome.
  db_->exec_or_throw("DROP INDEX IF EXISTS jobs_by_status");
  for (const auto& column : kAddedColumns) {
    auto has = db_->has_column(column.table, column.name);
    if (!has.ok()) throw std::runtime_error(has.error().message);
    if (!has.value()) {
      db_->exec_or_throw(std::string("ALTER TABLE ") + column.table + " ADD COLUMN " + column.name +
                         " " + column.definition);
    }
  }
  for (const char* index : kAddedIndexes) db_->exec_or_throw(index);
  insert_attempt_ = db_->prepare_or_throw(
      "INSERT OR IGNORE INTO attempts (id, attempt, status, error_code, error, worker, "
      "started_ms, finished_ms, run_us, cpu_us, max_rss_kb, recorded_ms, key, payload, "
      "payload_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  // A dead job that `zpipe retry` brought back ends again with a later attempt: that outcome
  // replaces the old one. Any other repeat leaves the row alone (no change: a duplicate).
  upsert_job_ = db_->prepare_or_throw(
      "INSERT INTO jobs (id, type, status, error_code, error, attempt, max_attempts, worker, "
      "created_ms, started_ms, finished_ms, recorded_ms, result, queue, parent, batch, "
      "follow_ups, next_step) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET type = excluded.type, status = excluded.status, "
      "error_code = excluded.error_code, error = excluded.error, attempt = excluded.attempt, "
      "max_attempts = excluded.max_attempts, worker = excluded.worker, "
      "started_ms = excluded.started_ms, finished_ms = excluded.finished_ms, "
      "recorded_ms = excluded.recorded_ms, result = excluded.result, queue = excluded.queue, "
      "parent = excluded.parent, batch = excluded.batch, follow_ups = excluded.follow_ups, "
      "next_step = excluded.next_step "
      "WHERE excluded.attempt > jobs.attempt AND jobs.status = 'failed'");
  select_job_status_ =
      db_->prepare_or_throw("SELECT status, attempt, follow_ups, next_step FROM jobs WHERE id = ?");
  select_attempt_status_ =
      db_->prepare_or_throw("SELECT status FROM attempts WHERE id = ? AND attempt = ?");
  select_oldest_jobs_ = db_->prepare_or_throw(
      "SELECT rowid, id FROM jobs WHERE recorded_ms < ? ORDER BY recorded_ms LIMIT ?");
  delete_attempts_ = db_->prepare_or_throw("DELETE FROM attempts WHERE id = ?");
  delete_job_ = db_->prepare_or_throw("DELETE FROM jobs WHERE rowid = ?");
  checkpointer_ = std::make_unique<WalCheckpointer>(db_->handle(), path_);
  files_.emplace(path_, "the outcome store");
  writable_ = true;
}

OutcomeStore::~OutcomeStore() { checkpointer_.reset(); }

void OutcomeStore::keep_log_short(bool tight) {
  if (checkpointer_) checkpointer_->keep_log_short(tight);
}

std::uint64_t OutcomeStore::log_growth_bytes() const {
  return checkpointer_ ? checkpointer_->log_growth_bytes() : 0;
}

Result<Ok> OutcomeStore::check_files() {
  if (!files_) return Ok{};
  auto files = files_->check();
  if (!files.ok()) {
    // Nothing more goes into the file: the next start must find it as it was left.
    checkpointer_.reset();
    db_->seal();
  }
  return files;
}

Result<std::vector<OutcomeStore::Recorded>> OutcomeStore::record(
    const std::vector<Outcome>& outcomes, std::uint64_t now_ms) {
  if (!writable_) return make_error(ErrorCode::kIo, "the outcome store is open read-only");
  if (auto begun = db_->exec("BEGIN"); !begun.ok()) return begun.error();
  std::vector<Recorded> recorded;
  recorded.reserve(outcomes.size());
  for (const auto& o : outcomes) {
    auto entry = record_one(o, now_ms);
    if (!entry.ok()) {
      (void)db_->exec("ROLLBACK");
      return entry.error();
    }
    recorded.push_back(entry.value());
  }
  if (auto committed = db_->exec("COMMIT"); !committed.ok()) {
    const auto failure = db_->error("cannot commit outcomes");
    (void)db_->exec("ROLLBACK");
    return failure;
  }
  return recorded;
}

Result<OutcomeStore::Recorded> OutcomeStore::record_one(const Outcome& o, std::uint64_t now_ms) {
  const auto status = std::string(to_string(o.status));
  auto& attempt = insert_attempt_;
  attempt.bind_text(1, o.id);
  attempt.bind_u64(2, o.attempt);
  attempt.bind_text(3, status);
  attempt.bind_text(4, o.error_code);
  attempt.bind_text(5, o.error);
  attempt.bind_text(6, o.worker);
  attempt.bind_u64(7, o.started_ms);
  attempt.bind_u64(8, o.finished_ms);
  attempt.bind_u64(9, o.run_us);
  attempt.bind_u64(10, o.cpu_us);
  attempt.bind_u64(11, o.max_rss_kb);
  attempt.bind_u64(12, now_ms);
  attempt.bind_text(13, o.key);
  if (o.payload) {
    o.payload->write_json_text(payload_text_);
    attempt.bind_text(14, payload_text_);
  } else {
    attempt.bind_null(14);
  }
  attempt.bind_u64(15, o.payload_bytes);
  if (auto done = attempt.run(
          [&] { return "cannot record attempt " + std::to_string(o.attempt) + " of " + o.id; });
      !done.ok()) {
    return done.error();
  }
  const bool attempt_is_new = db_->changes() == 1;
  // A cancel under an attempt recorded as failed: the ventilator cancelled the job while it
  // waited for its retry. The attempt stays as it ran; the job ends cancelled (unless its end
  // was recorded first: record_job() keeps that).
  if ((attempt_is_new && ends_job(o)) ||
      (!attempt_is_new && o.status == OutcomeStatus::kCancelled)) {
    return record_job(o, now_ms);
  }
  if (attempt_is_new) return Recorded{true, o.status, false};
  // A repeat: the ventilator must hear what was kept, not what this one says. The job is over if
  // its end is recorded from this attempt or a later one (one from before `zpipe retry` revived
  // the job is not), or ended it for good (succeeded, cancelled); else the attempt's own status
  // stands.
  Recorded entry{false, o.status, false};
  {
    auto& job = select_job_status_;
    const auto resets = job.reset_at_exit();
    job.bind_text(1, o.id);
    auto found = job.step();
    if (!found.ok()) return found.error();
    if (found.value()) {
      const auto kept = outcome_status_from(job.column_text(0)).value_or(o.status);
      entry.final = job.column_u64(1) >= o.attempt || kept != OutcomeStatus::kFailed;
      if (entry.final) {
        entry.status = kept;
        if (kept != OutcomeStatus::kSucceeded) return entry;
        auto made = read_made(job, 2, o.id, entry.follow_ups, entry.next);
        if (!made.ok()) return made.error();
        return entry;
      }
    }
  }
  auto& kept = select_attempt_status_;
  const auto resets = kept.reset_at_exit();
  kept.bind_text(1, o.id);
  kept.bind_u64(2, o.attempt);
  auto kept_found = kept.step();
  if (!kept_found.ok()) return kept_found.error();
  if (kept_found.value()) {
    entry.status = outcome_status_from(kept.column_text(0)).value_or(o.status);
  }
  return entry;
}

Result<OutcomeStore::Recorded> OutcomeStore::record_job(const Outcome& o, std::uint64_t now_ms) {
  const auto status = std::string(to_string(o.status));
  o.result.write_json_text(result_text_);
  const auto& result = result_text_;
  const auto queue = o.queue.empty() ? std::string(kDefaultQueue) : o.queue;
  // Only a success makes jobs.
  Recorded made{true, o.status, true};
  if (o.succeeded()) {
    made.follow_ups = o.follow_ups;
    made.next = chain_next(o.then, o.id, o.result);
  }
  const auto follow_ups = made_column(made.follow_ups);
  const auto next_step = made.next ? made_column({*made.next}) : std::optional<std::string>();
  {
    auto& job = upsert_job_;
    job.bind_text(1, o.id);
    job.bind_text(2, o.type);
    job.bind_text(3, status);
    job.bind_text(4, o.error_code);
    job.bind_text(5, o.error);
    job.bind_u64(6, o.attempt);
    job.bind_u64(7, o.max_attempts);
    job.bind_text(8, o.worker);
    job.bind_u64(9, o.created_ms);
    job.bind_u64(10, o.started_ms);
    job.bind_u64(11, o.finished_ms);
    job.bind_u64(12, now_ms);
    job.bind_text(13, result);
    job.bind_text(14, queue);
    const std::pair<int, const std::string*> texts[] = {{15, &o.parent}, {16, &o.batch}};
    for (const auto& [column, text] : texts) {
      text->empty() ? job.bind_null(column) : job.bind_text(column, *text);
    }
    const std::pair<int, const std::optional<std::string>*> blobs[] = {{17, &follow_ups},
                                                                       {18, &next_step}};
    for (const auto& [column, blob] : blobs) {
      *blob ? job.bind_blob(column, **blob) : job.bind_null(column);
    }
    if (auto done = job.run([&] { return "cannot record job " + o.id; }); !done.ok())
      return done.error();
  }
  if (db_->changes() == 1) return made;
  // The job's end was recorded first (a succeeded or cancelled job, or a dead one from this
  // attempt or a later one): that end stays, and this outcome is a duplicate of it.
  auto& job = select_job_status_;
  const auto resets = job.reset_at_exit();
  job.bind_text(1, o.id);
  auto found = job.step();
  if (!found.ok()) return found.error();
  const auto kept = found.value() ? outcome_status_from(job.column_text(0)) : std::nullopt;
  Recorded entry{false, kept.value_or(o.status), true};
  if (kept == OutcomeStatus::kSucceeded) {
    auto read = read_made(job, 2, o.id, entry.follow_ups, entry.next);
    if (!read.ok()) return read.error();
  }
  return entry;
}

Result<std::string> OutcomeStore::job_columns() {
  if (!job_columns_.empty()) return job_columns_;
  std::string columns = kJobColumns;
  for (const auto& column : kAddedColumns) {
    if (std::string_view(column.table) != "jobs") continue;
    auto has = db_->has_column(column.table, column.name);
    if (!has.ok()) return has.error();
    const std::string read_as = has.value() ? column.name : column.absent;
    columns += ", " + read_as;
    const std::string_view name = column.name;
    if (name == "queue") queue_column_ = read_as;
    if (name == "batch") batch_column_ = read_as;
    if (name == "parent") parent_column_ = read_as;
  }
  job_columns_ = columns;
  return job_columns_;
}

Result<std::optional<StoredOutcome>> OutcomeStore::find(const std::string& id) {
  const auto columns = job_columns();
  if (!columns.ok()) return columns.error();
  auto s = db_->prepare("SELECT " + columns.value() + " FROM jobs WHERE id = ?");
  if (!s.ok()) return s.error();
  s.value().bind_text(1, id);
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  if (!found.value()) return std::optional<StoredOutcome>();
  return std::optional<StoredOutcome>(read_row(s.value()));
}

Result<std::vector<StoredOutcome>> OutcomeStore::list(const OutcomeQuery& query) {
  const auto columns = job_columns();
  if (!columns.ok()) return columns.error();
  std::string sql = "SELECT " + columns.value() + " FROM jobs WHERE 1";
  // The status as a literal, not a parameter: only then can SQLite use the indexes of failed
  // and cancelled jobs.
  if (query.status) sql += " AND status = '" + std::string(to_string(*query.status)) + "'";
  if (!query.type.empty()) sql += " AND type = ?2";
  if (!query.queue.empty()) sql += " AND " + queue_column_ + " = ?4";
  // Said in the text, as in the index of named queues: only then can SQLite use it.
  if (!query.queue.empty() && query.queue != kDefaultQueue) {
    sql += " AND " + queue_column_ + " <> 'default'";
  }
  if (!query.batch.empty()) sql += " AND " + batch_column_ + " = ?5";
  sql += " ORDER BY rowid DESC LIMIT ?3";
  auto s = db_->prepare(sql);
  if (!s.ok()) return s.error();
  if (!query.type.empty()) s.value().bind_text(2, query.type);
  s.value().bind_u64(3, query.limit);
  if (!query.queue.empty()) s.value().bind_text(4, query.queue);
  if (!query.batch.empty()) s.value().bind_text(5, query.batch);
  return read_all<StoredOutcome>(s.value(), read_row);
}

Result<std::optional<std::int64_t>> OutcomeStore::row_bound_recorded_since(std::uint64_t from_ms) {
  // The first jobs recorded from `from_ms` on, by jobs_by_recorded (its entries are
  // (recorded_ms, rowid)), and the lowest of their rows. Among them may be jobs recorded after a
  // clock was set back, in rows above the range's first (the lowest finds it), and jobs that
  // ended again, in old rows below it: such a one is left out, as the row after it was recorded
  // before `from_ms` (unless it ended again too: the bound is then too low, which costs time, not
  // jobs). The lowest of them all when every one is left out.
  auto first = db_->prepare(
      "SELECT rowid FROM jobs WHERE recorded_ms >= ? "
      "ORDER BY recorded_ms, rowid LIMIT " +
      std::to_string(kRowBoundCandidates));
  if (!first.ok()) return first.error();
  first.value().bind_i64(1, as_sql_ms(from_ms));
  auto candidates = read_all<std::int64_t>(
      first.value(), [](const sqlite::Statement& row) { return row.column_i64(0); });
  if (!candidates.ok()) return candidates.error();
  if (candidates.value().empty()) return std::optional<std::int64_t>();
  auto next = db_->prepare("SELECT recorded_ms FROM jobs WHERE rowid > ? ORDER BY rowid LIMIT 1");
  if (!next.ok()) return next.error();
  std::optional<std::int64_t> lowest;
  for (const auto row : candidates.value()) {
    if (lowest && row > *lowest) continue;
    auto& after = next.value();
    const auto resets = after.reset_at_exit();
    after.bind_i64(1, row);
    auto found = after.step();
    if (!found.ok()) return found.error();
    if (!found.value() || after.column_u64(0) >= from_ms) lowest = row;
  }
  if (!lowest) lowest = *std::min_element(candidates.value().begin(), candidates.value().end());
  return lowest;
}

Result<std::optional<std::int64_t>> OutcomeStore::row_bound_recorded_until(std::uint64_t to_ms) {
  // The highest row of the last kRowBoundJobs recorded until `to_ms` (among them any recorded
  // after a clock was set back, in newer rows than the others), and of the first kRowBoundJobs
  // recorded after (as the last ones until then may all be jobs that ended again, in old rows).
  // Too high by as many rows as were recorded after a clock was set back, at most.
  const auto limit = std::to_string(kRowBoundJobs);
  auto s = db_->prepare(
      "SELECT (SELECT max(rowid) FROM (SELECT rowid FROM jobs WHERE recorded_ms <= ?1 "
      "ORDER BY recorded_ms DESC, rowid DESC LIMIT " +
      limit +
      ")), (SELECT max(rowid) FROM (SELECT rowid FROM jobs WHERE recorded_ms > ?1 "
      "ORDER BY recorded_ms, rowid LIMIT " +
      limit + "))");
  if (!s.ok()) return s.error();
  s.value().bind_i64(1, as_sql_ms(to_ms));
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  if (!found.value() || s.value().column_is_null(0)) return std::optional<std::int64_t>();
  if (s.value().column_is_null(1)) {
    return std::optional(std::numeric_limits<std::int64_t>::max());  // none recorded after
  }
  return std::optional(std::max(s.value().column_i64(0), s.value().column_i64(1)));
}

Result<std::optional<std::string>> OutcomeStore::page_sql(PageValues& values) {
  const auto& query = values.query;
  if (query.limit == 0 || query.limit > kJobPageMaxLimit) {
    return make_error(ErrorCode::kInvalid, "a page holds 1 to " + std::to_string(kJobPageMaxLimit) +
                                               " jobs, not " + std::to_string(query.limit));
  }
  const auto columns = job_columns();
  if (!columns.ok()) return columns.error();
  const std::optional<std::string> none;
  // The page's rows: below its cursor and within its time range, as one range of rows (given
  // `rowid < ?` and `rowid <= ?`, SQLite would seek by one and check the other on every row).
  if (query.before) {
    if (*query.before == std::numeric_limits<std::int64_t>::min()) return none;
    values.last_row = *query.before - 1;
  }
  if (query.from_ms) {
    auto first = row_bound_recorded_since(*query.from_ms);
    if (!first.ok()) return first.error();
    if (!first.value()) return none;
    values.first_row = *first.value();
  }
  if (query.to_ms) {
    auto bound = row_bound_recorded_until(*query.to_ms);
    if (!bound.ok()) return bound.error();
    if (!bound.value()) return none;
    values.last_row = std::min(values.last_row, *bound.value());
  }
  const auto filters =
      job_page_filters(query, queue_column_, batch_column_, values.id_end.has_value());
  // An index of an equality has its entries by rowid within the key, so that SQLite seeks to
  // the page's rows in it (`type=? AND rowid>? AND rowid<?`); a range's entries come by id, and
  // the rowid is checked on each (`+rowid`, from the entry itself).
  auto rows_where = [](bool in_row_order) {
    return std::string(in_row_order ? "rowid" : "+rowid") + " BETWEEN ?1 AND ?2";
  };

  // The driver: the filter whose index has the fewest entries among the page's rows (the first
  // of those tied). None: the rows are read newest first through the table itself, and every
  // filter checked on them: no filter is served by an index, or only a wide id prefix is.
  std::optional<std::size_t> driver;
  std::uint64_t fewest = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const auto& filter = filters[i];
    if (filter.on_index.empty()) continue;
    // Entries of an equality from the page's rows on (a seek to them); of a range, all of them:
    // checking the rowid of each could read all of a wide range to find a few below a cursor.
    const auto rows = filter.in_row_order ? rows_where(true) + " AND " : std::string();
    auto count =
        db_->prepare("SELECT count(*) FROM (SELECT 1 FROM jobs WHERE " + rows + filter.on_index +
                     " LIMIT " + std::to_string(kDriverCountCap + 1) + ")");
    if (!count.ok()) return count.error();
    values.bind(count.value());
    auto counted = count.value().step();
    if (!counted.ok()) return counted.error();
    const auto entries = counted.value() ? count.value().column_u64(0) : 0;
    if (entries == 0) return none;  // a filter no job of these rows matches
    if ((filter.in_row_order || entries <= kDriverCountCap) && entries < fewest) {
      driver = i;
      fewest = entries;
    }
  }

  for (std::size_t i = 0; i < filters.size(); ++i) {
    if (filters[i].name == "id" && driver != i) values.wide_id_term = filters[i].on_index;
  }
  std::string sql = "SELECT " + columns.value() + ", rowid FROM jobs WHERE " +
                    rows_where(!driver || filters[*driver].in_row_order);
  for (std::size_t i = 0; i < filters.size(); ++i) {
    sql += " AND " + (driver == i ? filters[i].on_index : filters[i].on_row);
  }
  sql += " ORDER BY rowid DESC LIMIT ?" + std::to_string(static_cast<int>(kParamLimit));
  return std::optional(std::move(sql));
}

Result<JobPage> OutcomeStore::page(const JobPageQuery& query) {
  PageValues values{query, prefix_end(query.id_prefix)};
  const auto sql = page_sql(values);
  if (!sql.ok()) return sql.error();
  if (!sql.value()) return JobPage{};
  auto s = db_->prepare(*sql.value());
  if (!s.ok()) return s.error();
  JobPage page;
  // Reads the page's rows between values.first_row and last_row into `page`.
  auto read = [&page, &values, &s]() -> Result<Ok> {
    auto& rows = s.value();
    rows.reset();
    values.bind(rows);
    auto read_rows = read_all<PagedJob>(rows, [](const sqlite::Statement& row) {
      return PagedJob{row.column_i64(kJobColumnCount), read_row(row)};
    });
    if (!read_rows.ok()) return read_rows.error();
    for (auto& job : read_rows.value()) page.jobs.push_back(std::move(job));
    return Ok{};
  };
  if (values.wide_id_term.empty()) {
    if (auto done = read(); !done.ok()) return done.error();
  } else {
    // A wide id prefix, checked on the rows read newest first (through the table or another
    // filter's index): a ventilator run's jobs are recorded together, so that an older run's ids
    // may all lie below every newer job. The newest rows first, then, if the page is not full,
    // from the newest row of the prefix below them (the highest rowid of its entries in the id's
    // index, a covering read of about 0.1 us an id), rather than through every row in between.
    // From the lowest row at most, so that the last page does not look for ids below it.
    auto lowest = db_->prepare("SELECT min(rowid) FROM jobs");
    if (!lowest.ok()) return lowest.error();
    auto found_lowest = lowest.value().step();
    if (!found_lowest.ok()) return found_lowest.error();
    if (found_lowest.value() && !lowest.value().column_is_null(0)) {
      values.first_row = std::max(values.first_row, lowest.value().column_i64(0));
    }
    const auto first_row = values.first_row;
    // (Unsigned: the rows between the cursor and the range's start can be more than an int64.)
    if (values.last_row > first_row &&
        static_cast<std::uint64_t>(values.last_row) - static_cast<std::uint64_t>(first_row) >=
            kWideIdScanRows) {
      values.first_row = values.last_row - static_cast<std::int64_t>(kWideIdScanRows) + 1;
    }
    if (auto done = read(); !done.ok()) return done.error();
    if (page.jobs.size() < values.wanted && values.first_row > first_row) {
      auto newest = db_->prepare("SELECT max(rowid) FROM jobs WHERE +rowid BETWEEN ?1 AND ?2 AND " +
                                 values.wide_id_term);
      if (!newest.ok()) return newest.error();
      values.last_row = values.first_row - 1;
      values.first_row = first_row;
      values.bind(newest.value());
      auto found = newest.value().step();
      if (!found.ok()) return found.error();
      if (found.value() && !newest.value().column_is_null(0)) {
        values.last_row = newest.value().column_i64(0);
        values.wanted -= page.jobs.size();
        if (auto done = read(); !done.ok()) return done.error();
      }
    }
  }
  if (page.jobs.size() > query.limit) {
    page.jobs.pop_back();
    page.next = page.jobs.back().row;
  }
  return page;
}

Result<std::vector<std::string>> OutcomeStore::explain_page(const JobPageQuery& query) {
  PageValues values{query, prefix_end(query.id_prefix)};
  const auto sql = page_sql(values);
  if (!sql.ok()) return sql.error();
  if (!sql.value()) return std::vector<std::string>();
  auto s = db_->prepare("EXPLAIN QUERY PLAN " + *sql.value());
  if (!s.ok()) return s.error();
  values.bind(s.value());
  return read_all<std::string>(s.value(),
                               [](const sqlite::Statement& row) { return row.column_text(3); });
}

Result<TypeStatsReport> OutcomeStore::type_stats(std::uint64_t since_ms, std::uint64_t max_jobs) {
  TypeStatsReport report;
  auto first = row_bound_recorded_since(since_ms);
  if (!first.ok()) return first.error();
  if (!first.value()) return report;
  // The window's newest jobs, newest first through the table from the window's first row (rows
  // come in the order jobs are recorded; recorded_ms is checked on each as well, for those that
  // do not), each with its attempts by the attempts' primary key (id, attempt): one lookup per
  // job. A LEFT JOIN reads its left side in the outer loop: a job's attempts come together,
  // right after it. One more job than is read says whether the window held more.
  auto s = db_->prepare(
      "SELECT j.rowid, j.type, j.status, j.attempt, j.recorded_ms, "
      "a.attempt, a.status, a.run_us, a.cpu_us, a.max_rss_kb, a.recorded_ms "
      "FROM (SELECT rowid, id, type, status, attempt, recorded_ms FROM jobs "
      "WHERE rowid >= ?1 AND +recorded_ms >= ?2 ORDER BY rowid DESC LIMIT ?3) AS j "
      "LEFT JOIN attempts AS a ON a.id = j.id");
  if (!s.ok()) return s.error();
  auto& read = s.value();
  read.bind_i64(1, *first.value());
  read.bind_i64(2, as_sql_ms(since_ms));
  read.bind_u64(3, max_jobs + 1);
  TypeStatsTally tally;
  std::optional<std::int64_t> job_row;
  std::string type;
  auto job_status = OutcomeStatus::kSucceeded;
  std::uint64_t job_attempt = 0;
  while (true) {
    auto stepped = read.step();
    if (!stepped.ok()) return stepped.error();
    if (!stepped.value()) break;
    if (read.column_i64(0) != job_row) {
      if (report.jobs_read == max_jobs) {
        report.sampled = true;
        break;
      }
      job_row = read.column_i64(0);
      type = read.column_text(1);
      job_status = outcome_status_from(read.column_text(2)).value_or(OutcomeStatus::kFailed);
      job_attempt = read.column_u64(3);
      const auto recorded_ms = read.column_u64(4);
      if (report.jobs_read == 0 || recorded_ms < report.read_since_ms) {
        report.read_since_ms = recorded_ms;
      }
      ++report.jobs_read;
      tally.add_job(type, job_status);
    }
    if (read.column_is_null(5)) continue;  // a job without attempts (none such is recorded)
    TypeStatsTally::Attempt attempt;
    attempt.status = outcome_status_from(read.column_text(6)).value_or(OutcomeStatus::kFailed);
    attempt.last = read.column_u64(5) == job_attempt;
    attempt.in_window = read.column_u64(10) >= since_ms;
    attempt.run_us = read.column_u64(7);
    attempt.cpu_us = read.column_u64(8);
    attempt.max_rss_kb = read.column_u64(9);
    tally.add_attempt(type, job_status, attempt);
  }
  report.types = tally.finish();
  return report;
}

Result<std::vector<StoredOutcome>> OutcomeStore::children(const std::string& id) {
  const auto columns = job_columns();
  if (!columns.ok()) return columns.error();
  auto s = db_->prepare("SELECT " + columns.value() + " FROM jobs WHERE " + parent_column_ +
                        " = ? ORDER BY rowid");
  if (!s.ok()) return s.error();
  s.value().bind_text(1, id);
  return read_all<StoredOutcome>(s.value(), read_row);
}

Result<std::vector<StoredOutcome>> OutcomeStore::recorded_after(std::int64_t& after,
                                                                std::size_t limit) {
  const auto columns = job_columns();
  if (!columns.ok()) return columns.error();
  auto s = db_->prepare("SELECT " + columns.value() +
                        ", rowid FROM jobs WHERE rowid > ? ORDER BY rowid LIMIT ?");
  if (!s.ok()) return s.error();
  s.value().bind_i64(1, after);
  s.value().bind_u64(2, limit);
  auto last = after;
  auto rows = read_all<StoredOutcome>(s.value(), [&last](const sqlite::Statement& row) {
    last = row.column_i64(kJobColumnCount);
    return read_row(row);
  });
  if (rows.ok()) after = last;
  return rows;
}

Result<std::int64_t> OutcomeStore::last_row() {
  auto s = db_->prepare("SELECT coalesce(max(rowid), 0) FROM jobs");
  if (!s.ok()) return s.error();
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  return found.value() ? s.value().column_i64(0) : std::int64_t{0};
}

Result<std::vector<RecordedRunTime>> OutcomeStore::run_times_after(std::int64_t& after,
                                                                   std::size_t limit) {
  // The final attempt by its primary key: one lookup a job.
  auto s = db_->prepare(
      "SELECT j.rowid, j.type, j.status, coalesce(a.run_us, 0) FROM jobs j "
      "LEFT JOIN attempts a ON a.id = j.id AND a.attempt = j.attempt "
      "WHERE j.rowid > ? ORDER BY j.rowid LIMIT ?");
  if (!s.ok()) return s.error();
  s.value().bind_i64(1, after);
  s.value().bind_u64(2, limit);
  auto last = after;
  auto rows = read_all<RecordedRunTime>(s.value(), [&last](const sqlite::Statement& row) {
    last = row.column_i64(0);
    return RecordedRunTime{row.column_text(1),
                           outcome_status_from(row.column_text(2)).value_or(OutcomeStatus::kFailed),
                           row.column_u64(3)};
  });
  if (rows.ok()) after = last;
  return rows;
}

Result<std::vector<Outcome>> OutcomeStore::attempts(const std::string& id) {
  // A store an older sink wrote, opened read-only before a newer sink upgraded it, lacks the
  // columns added since: they read as their defaults (no key: its attempts all came in the
  // clear; no payload: none was sent back).
  std::string columns =
      "attempt, status, error_code, error, worker, started_ms, finished_ms, run_us, cpu_us, "
      "max_rss_kb";
  for (const auto& column : kAddedColumns) {
    if (std::string_view(column.table) != "attempts") continue;
    auto has = db_->has_column(column.table, column.name);
    if (!has.ok()) return has.error();
    columns += std::string(", ") + (has.value() ? column.name : column.absent);
  }
  auto s = db_->prepare("SELECT " + columns + " FROM attempts WHERE id = ? ORDER BY attempt");
  if (!s.ok()) return s.error();
  s.value().bind_text(1, id);
  return read_all<Outcome>(s.value(), [&id](const sqlite::Statement& row) {
    Outcome o;
    o.id = id;
    o.attempt = static_cast<std::uint32_t>(row.column_u64(0));
    o.status = outcome_status_from(row.column_text(1)).value_or(OutcomeStatus::kFailed);
    o.error_code = row.column_text(2);
    o.error = row.column_text(3);
    o.worker = row.column_text(4);
    o.started_ms = row.column_u64(5);
    o.finished_ms = row.column_u64(6);
    o.run_us = row.column_u64(7);
    o.cpu_us = row.column_u64(8);
    o.max_rss_kb = row.column_u64(9);
    o.key = row.column_text(10);
    if (!row.column_is_null(11)) {
      auto payload = Payload::parse_json(row.column_text(11));
      o.payload = payload.ok() ? std::move(payload).value() : Payload();
    }
    o.payload_bytes = row.column_u64(12);
    return o;
  });
}

Result<StoreTotals> OutcomeStore::totals() {
  // Counted over the indexes of failed and cancelled jobs and the smallest index of all rows,
  // not the table.
  auto s = db_->prepare(
      "SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM jobs WHERE status = 'failed'), "
      "(SELECT count(*) FROM jobs WHERE status = 'cancelled')");
  if (!s.ok()) return s.error();
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  StoreTotals totals;
  if (found.value()) {
    totals.failed = s.value().column_u64(1);
    totals.cancelled = s.value().column_u64(2);
    totals.succeeded = s.value().column_u64(0) - totals.failed - totals.cancelled;
  }
  return totals;
}

Result<PruneCount> OutcomeStore::count_recorded_before(std::uint64_t before_ms) {
  auto s = db_->prepare(
      "SELECT (SELECT count(*) FROM jobs WHERE recorded_ms < ?1), "
      "(SELECT count(*) FROM attempts WHERE id IN (SELECT id FROM jobs WHERE recorded_ms < ?1))");
  if (!s.ok()) return s.error();
  s.value().bind_u64(1, before_ms);
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  return PruneCount{s.value().column_u64(0), s.value().column_u64(1)};
}

Result<PruneCount> OutcomeStore::prune_batch(std::uint64_t before_ms, std::size_t max_jobs) {
  if (!writable_) return make_error(ErrorCode::kIo, "the outcome store is open read-only");
  // The batch's jobs first, then their deletion: a statement reading jobs while rows of jobs are
  // deleted would see the table change under it.
  std::vector<std::pair<std::int64_t, std::string>> jobs;
  {
    auto& oldest = select_oldest_jobs_;
    const auto resets = oldest.reset_at_exit();
    oldest.bind_u64(1, before_ms);
    oldest.bind_u64(2, max_jobs);
    auto rows =
        read_all<std::pair<std::int64_t, std::string>>(oldest, [](const sqlite::Statement& row) {
          return std::pair(row.column_i64(0), row.column_text(1));
        });
    if (!rows.ok()) return rows.error();
    jobs = std::move(rows).value();
  }
  if (jobs.empty()) return PruneCount{};
  if (auto begun = db_->exec("BEGIN IMMEDIATE"); !begun.ok()) return begun.error();
  PruneCount deleted;
  for (const auto& [rowid, id] : jobs) {
    delete_attempts_.bind_text(1, id);
    auto attempts = delete_attempts_.run("cannot delete the attempts of " + id);
    if (attempts.ok()) deleted.attempts += static_cast<std::uint64_t>(db_->changes());
    delete_job_.bind_i64(1, rowid);
    auto job = attempts.ok() ? delete_job_.run("cannot delete job " + id) : attempts;
    if (!job.ok()) {
      (void)db_->exec("ROLLBACK");
      return job.error();
    }
    ++deleted.jobs;
  }
  if (auto committed = db_->exec("COMMIT"); !committed.ok()) {
    const auto failure = db_->error("cannot commit the deletion of old outcomes");
    (void)db_->exec("ROLLBACK");
    return failure;
  }
  return deleted;
}

Result<std::uint64_t> OutcomeStore::reusable_bytes() {
  auto s = db_->prepare("SELECT * FROM pragma_freelist_count, pragma_page_size");
  if (!s.ok()) return s.error();
  auto found = s.value().step();
  if (!found.ok()) return found.error();
  return s.value().column_u64(0) * s.value().column_u64(1);
}

}  // namespace zpipe
