#include "common/outcome_store.hpp"

#include <stdexcept>

#include <sqlite3.h>

#include "common/sqlite_statement.hpp"
#include "common/wal_checkpointer.hpp"

namespace zpipe {
namespace {

using namespace sqlite;  // the helpers both stores share (common/sqlite_statement.hpp)

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
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
CREATE INDEX IF NOT EXISTS jobs_failed ON jobs (status) WHERE status = 'failed';
CREATE INDEX IF NOT EXISTS jobs_by_type ON jobs (type);
CREATE TABLE IF NOT EXISTS attempts (
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
  PRIMARY KEY (id, attempt)
) WITHOUT ROWID;
)sql";

constexpr const char* kColumns =
    "id, type, status, error_code, error, attempt, max_attempts, worker, created_ms, started_ms, "
    "finished_ms, recorded_ms, result";

StoredOutcome read_row(sqlite3_stmt* stmt) {
  StoredOutcome row;
  auto& o = row.outcome;
  o.id = column_text(stmt, 0);
  o.type = column_text(stmt, 1);
  o.status = outcome_status_from(column_text(stmt, 2)).value_or(OutcomeStatus::kFailed);
  o.error_code = column_text(stmt, 3);
  o.error = column_text(stmt, 4);
  o.attempt = static_cast<std::uint32_t>(column_u64(stmt, 5));
  o.max_attempts = static_cast<std::uint32_t>(column_u64(stmt, 6));
  o.worker = column_text(stmt, 7);
  o.created_ms = column_u64(stmt, 8);
  o.started_ms = column_u64(stmt, 9);
  o.finished_ms = column_u64(stmt, 10);
  row.recorded_ms = column_u64(stmt, 11);
  auto result = Payload::parse_json(column_text(stmt, 12));
  o.result = result.ok() ? std::move(result).value() : Payload();
  return row;
}

}  // namespace

OutcomeStore::OutcomeStore(const std::filesystem::path& path, Access access) : path_(path) {
  if (access == Access::kReadOnly && !std::filesystem::exists(path)) {
    throw std::runtime_error("no outcome store at " + path.string() +
                             " (no sink has run with this data directory; pass --data-dir?)");
  }
  if (access == Access::kReadWrite && path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  const int flags = access == Access::kReadOnly ? SQLITE_OPEN_READONLY
                                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open outcome store " + path.string() + ": " + reason);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    if (access == Access::kReadWrite) {
      // WAL: readers never block the sink. synchronous=NORMAL: a commit survives a crash of
      // the process; a power failure may lose the last commits.
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=NORMAL");
      exec(kSchema);
      // A store an earlier zpipe wrote indexed every status. Only failures are looked up by
      // status, and that index cost the sink a tenth of each outcome.
      exec("DROP INDEX IF EXISTS jobs_by_status");
      add_column_if_missing("attempts", "key", "TEXT NOT NULL DEFAULT ''");
      insert_attempt_ = prepare(
          "INSERT OR IGNORE INTO attempts (id, attempt, status, error_code, error, worker, "
          "started_ms, finished_ms, run_us, cpu_us, max_rss_kb, recorded_ms, key) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      // A dead job that `zpipe retry` brought back ends again with a later attempt: that
      // outcome replaces the old one. Any other repeat leaves the row alone.
      upsert_job_ = prepare(
          "INSERT INTO jobs (id, type, status, error_code, error, attempt, max_attempts, worker, "
          "created_ms, started_ms, finished_ms, recorded_ms, result) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (id) DO UPDATE SET type = excluded.type, status = excluded.status, "
          "error_code = excluded.error_code, error = excluded.error, attempt = excluded.attempt, "
          "max_attempts = excluded.max_attempts, worker = excluded.worker, "
          "started_ms = excluded.started_ms, finished_ms = excluded.finished_ms, "
          "recorded_ms = excluded.recorded_ms, result = excluded.result "
          "WHERE excluded.attempt > jobs.attempt");
      select_job_status_ = prepare("SELECT status, attempt FROM jobs WHERE id = ?");
      select_attempt_status_ = prepare("SELECT status FROM attempts WHERE id = ? AND attempt = ?");
      checkpointer_ = std::make_unique<WalCheckpointer>(db_, path_);
    }
  } catch (...) {
    checkpointer_.reset();
    finalize_statements();
    sqlite3_close(db_);
    throw;
  }
}

OutcomeStore::~OutcomeStore() {
  checkpointer_.reset();
  finalize_statements();
  sqlite3_close(db_);
}

void OutcomeStore::finalize_statements() {
  for (auto* stmt : {insert_attempt_, upsert_job_, select_job_status_, select_attempt_status_}) {
    sqlite3_finalize(stmt);
  }
}

void OutcomeStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("outcome store " + path_.string() + ": " + reason);
  }
}

bool OutcomeStore::has_column(const char* table, const char* column) {
  Statement s{prepare(
      (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?").c_str())};
  const std::string name = column;
  bind_text(s.stmt, 1, name);
  return sqlite3_step(s.stmt) == SQLITE_ROW;
}

void OutcomeStore::add_column_if_missing(const char* table, const char* column,
                                         const char* definition) {
  if (has_column(table, column)) return;
  // A store written by an older zpipe: its rows read as '' (no key known).
  exec((std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + definition).c_str());
}

sqlite3_stmt* OutcomeStore::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("outcome store " + path_.string() + ": " + sqlite3_errmsg(db_));
  }
  return stmt;
}

Result<std::vector<OutcomeStore::Recorded>> OutcomeStore::record(
    const std::vector<Outcome>& outcomes, std::uint64_t now_ms) {
  if (insert_attempt_ == nullptr) return make_error(ErrorCode::kIo, "outcome store is read-only");
  std::vector<Recorded> recorded;
  recorded.reserve(outcomes.size());
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return make_error(ErrorCode::kIo, std::string("cannot begin: ") + sqlite3_errmsg(db_));
  }
  auto failure = [this](const std::string& what) -> Error {
    std::string reason = sqlite3_errmsg(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return make_error(ErrorCode::kIo, what + ": " + reason);
  };
  for (const auto& o : outcomes) {
    const auto status = std::string(to_string(o.status));
    Statement attempt{insert_attempt_, false};
    bind_text(insert_attempt_, 1, o.id);
    bind_u64(insert_attempt_, 2, o.attempt);
    bind_text(insert_attempt_, 3, status);
    bind_text(insert_attempt_, 4, o.error_code);
    bind_text(insert_attempt_, 5, o.error);
    bind_text(insert_attempt_, 6, o.worker);
    bind_u64(insert_attempt_, 7, o.started_ms);
    bind_u64(insert_attempt_, 8, o.finished_ms);
    bind_u64(insert_attempt_, 9, o.run_us);
    bind_u64(insert_attempt_, 10, o.cpu_us);
    bind_u64(insert_attempt_, 11, o.max_rss_kb);
    bind_u64(insert_attempt_, 12, now_ms);
    bind_text(insert_attempt_, 13, o.key);
    if (sqlite3_step(insert_attempt_) != SQLITE_DONE) {
      return failure("cannot record attempt " + std::to_string(o.attempt) + " of " + o.id);
    }
    Recorded entry{sqlite3_changes(db_) == 1, o.status,
                   o.succeeded() || o.attempt >= o.max_attempts};
    if (entry.is_new && entry.final) {
      const auto result = o.result.to_json_text();
      Statement job{upsert_job_, false};
      bind_text(upsert_job_, 1, o.id);
      bind_text(upsert_job_, 2, o.type);
      bind_text(upsert_job_, 3, status);
      bind_text(upsert_job_, 4, o.error_code);
      bind_text(upsert_job_, 5, o.error);
      bind_u64(upsert_job_, 6, o.attempt);
      bind_u64(upsert_job_, 7, o.max_attempts);
      bind_text(upsert_job_, 8, o.worker);
      bind_u64(upsert_job_, 9, o.created_ms);
      bind_u64(upsert_job_, 10, o.started_ms);
      bind_u64(upsert_job_, 11, o.finished_ms);
      bind_u64(upsert_job_, 12, now_ms);
      bind_text(upsert_job_, 13, result);
      if (sqlite3_step(upsert_job_) != SQLITE_DONE) return failure("cannot record job " + o.id);
    } else if (!entry.is_new) {
      // A repeat: the ventilator must hear what was kept, not what this one says. The job is
      // over if its row is from this attempt or a later one (a row from before `zpipe retry`
      // revived it is not); else the attempt's own status stands.
      Statement job{select_job_status_, false};
      bind_text(select_job_status_, 1, o.id);
      if (sqlite3_step(select_job_status_) == SQLITE_ROW &&
          column_u64(select_job_status_, 1) >= o.attempt) {
        entry.final = true;
        entry.status = outcome_status_from(column_text(select_job_status_, 0)).value_or(o.status);
      } else {
        entry.final = false;
        Statement kept{select_attempt_status_, false};
        bind_text(select_attempt_status_, 1, o.id);
        bind_u64(select_attempt_status_, 2, o.attempt);
        if (sqlite3_step(select_attempt_status_) == SQLITE_ROW) {
          entry.status =
              outcome_status_from(column_text(select_attempt_status_, 0)).value_or(o.status);
        }
      }
    }
    recorded.push_back(entry);
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure("cannot commit outcomes");
  }
  return recorded;
}

std::optional<StoredOutcome> OutcomeStore::find(const std::string& id) {
  Statement s{prepare((std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?").c_str())};
  bind_text(s.stmt, 1, id);
  if (sqlite3_step(s.stmt) != SQLITE_ROW) return std::nullopt;
  return read_row(s.stmt);
}

std::vector<StoredOutcome> OutcomeStore::list(const OutcomeQuery& query) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM jobs WHERE 1";
  // The status as a literal, not a parameter: only then can SQLite use the failures' index.
  if (query.status) sql += " AND status = '" + std::string(to_string(*query.status)) + "'";
  if (!query.type.empty()) sql += " AND type = ?2";
  sql += " ORDER BY rowid DESC LIMIT ?3";
  Statement s{prepare(sql.c_str())};
  if (!query.type.empty()) bind_text(s.stmt, 2, query.type);
  bind_u64(s.stmt, 3, query.limit);
  std::vector<StoredOutcome> rows;
  while (sqlite3_step(s.stmt) == SQLITE_ROW) rows.push_back(read_row(s.stmt));
  return rows;
}

std::vector<StoredOutcome> OutcomeStore::recorded_after(std::int64_t& after, std::size_t limit) {
  Statement s{prepare((std::string("SELECT ") + kColumns +
                       ", rowid FROM jobs WHERE rowid > ? ORDER BY rowid LIMIT ?")
                          .c_str())};
  sqlite3_bind_int64(s.stmt, 1, after);
  bind_u64(s.stmt, 2, limit);
  std::vector<StoredOutcome> rows;
  while (sqlite3_step(s.stmt) == SQLITE_ROW) {
    rows.push_back(read_row(s.stmt));
    after = sqlite3_column_int64(s.stmt, 13);
  }
  return rows;
}

std::int64_t OutcomeStore::last_row() {
  Statement s{prepare("SELECT coalesce(max(rowid), 0) FROM jobs")};
  return sqlite3_step(s.stmt) == SQLITE_ROW ? sqlite3_column_int64(s.stmt, 0) : 0;
}

std::vector<Outcome> OutcomeStore::attempts(const std::string& id) {
  // A store an older sink wrote, opened read-only before a newer sink upgraded it, has no key
  // column: its attempts all came in the clear.
  const char* key = has_column("attempts", "key") ? "key" : "''";
  Statement s{prepare((std::string("SELECT attempt, status, error_code, error, worker, "
                                   "started_ms, finished_ms, run_us, cpu_us, max_rss_kb, ") +
                       key + " FROM attempts WHERE id = ? ORDER BY attempt")
                          .c_str())};
  bind_text(s.stmt, 1, id);
  std::vector<Outcome> found;
  while (sqlite3_step(s.stmt) == SQLITE_ROW) {
    Outcome o;
    o.id = id;
    o.attempt = static_cast<std::uint32_t>(column_u64(s.stmt, 0));
    o.status = outcome_status_from(column_text(s.stmt, 1)).value_or(OutcomeStatus::kFailed);
    o.error_code = column_text(s.stmt, 2);
    o.error = column_text(s.stmt, 3);
    o.worker = column_text(s.stmt, 4);
    o.started_ms = column_u64(s.stmt, 5);
    o.finished_ms = column_u64(s.stmt, 6);
    o.run_us = column_u64(s.stmt, 7);
    o.cpu_us = column_u64(s.stmt, 8);
    o.max_rss_kb = column_u64(s.stmt, 9);
    o.key = column_text(s.stmt, 10);
    found.push_back(std::move(o));
  }
  return found;
}

StoreTotals OutcomeStore::totals() {
  // Counted over the failures' index and the smallest index of all rows, not the table.
  Statement s{prepare(
      "SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM jobs WHERE status = 'failed')")};
  StoreTotals totals;
  if (sqlite3_step(s.stmt) == SQLITE_ROW) {
    totals.failed = column_u64(s.stmt, 1);
    totals.succeeded = column_u64(s.stmt, 0) - totals.failed;
  }
  return totals;
}

}  // namespace zpipe
