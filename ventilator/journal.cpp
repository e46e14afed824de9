#include "ventilator/journal.hpp"

#include <array>
#include <fstream>
#include <set>
#include <stdexcept>

#include <sqlite3.h>

#include "common/sqlite_statement.hpp"
#include "common/wal_checkpointer.hpp"

namespace zpipe {
namespace {

using namespace sqlite;  // the helpers both stores share (common/sqlite_statement.hpp)

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  row                INTEGER PRIMARY KEY,
  id                 TEXT NOT NULL,
  type               TEXT NOT NULL,
  payload            BLOB NOT NULL,
  attempt            INTEGER NOT NULL,
  max_attempts       INTEGER NOT NULL,
  attempts_per_round INTEGER NOT NULL,
  timeout_ms         INTEGER NOT NULL,
  created_ms         INTEGER NOT NULL,
  due_ms             INTEGER NOT NULL DEFAULT 0,
  dead               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS dead_jobs ON jobs (id) WHERE dead = 1;
)sql";

constexpr const char* kColumns =
    "row, id, type, payload, attempt, max_attempts, attempts_per_round, timeout_ms, created_ms, "
    "due_ms";

// A write-ahead log is a 32-byte header and then frames of 24 bytes plus one page. A crash in
// the middle of a write leaves a partial frame at the end, which SQLite ignores when it opens
// the log: say so, instead of letting it pass unseen.
std::optional<std::string> torn_tail_of(const std::filesystem::path& wal) {
  std::error_code error;
  const auto size = std::filesystem::file_size(wal, error);
  if (error || size == 0) return std::nullopt;
  if (size < 32) {
    return "its write-ahead log " + wal.string() + " ends after " + std::to_string(size) +
           " bytes, inside its header; the log was ignored";
  }
  std::ifstream in(wal, std::ios::binary);
  std::array<unsigned char, 32> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  const std::uint64_t page_size = (std::uint64_t{header[8]} << 24) |
                                  (std::uint64_t{header[9]} << 16) |
                                  (std::uint64_t{header[10]} << 8) | header[11];
  if (page_size < 512) return std::nullopt;  // not a header SQLite would use either
  const auto torn = (size - 32) % (24 + page_size);
  if (torn == 0) return std::nullopt;
  return "its write-ahead log " + wal.string() + " ends in a torn frame (" + std::to_string(torn) +
         " bytes of an unfinished write, dropped); the journal was recovered up to the last "
         "complete commit";
}

std::string damaged_message(const std::filesystem::path& path, const std::string& reason) {
  return "the journal " + path.string() + " is damaged (" + reason +
         "); the ventilator will not run on it. Keep it for inspection and start afresh with: mv " +
         path.string() + " " + path.string() +
         ".damaged (jobs in it can be salvaged with: " + "sqlite3 " + path.string() +
         ".damaged .recover)";
}

// The row a SELECT of kColumns stands on, as stored.
JournalRow read_row(sqlite3_stmt* stmt) {
  JournalRow row;
  row.row = sqlite3_column_int64(stmt, 0);
  row.id = column_text(stmt, 1);
  row.type = column_text(stmt, 2);
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, 3));
  row.payload.assign(blob == nullptr ? "" : blob,
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt, 3)));
  row.attempt = sqlite3_column_int64(stmt, 4);
  row.max_attempts = sqlite3_column_int64(stmt, 5);
  row.attempts_per_round = sqlite3_column_int64(stmt, 6);
  row.timeout_ms = sqlite3_column_int64(stmt, 7);
  row.created_ms = sqlite3_column_int64(stmt, 8);
  row.due_ms = sqlite3_column_int64(stmt, 9);
  return row;
}

}  // namespace

Journal::Journal(const std::filesystem::path& path, Durability durability, DecodeLimits limits)
    : path_(path), limits_(limits) {
  if (path.has_parent_path()) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
  }
  if (auto torn = torn_tail_of(std::filesystem::path(path.string() + "-wal"))) {
    warnings_.push_back(*torn);
  }
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the journal " + path.string() + ": " + reason);
  }
  try {
    exec("PRAGMA journal_mode=WAL");
    // FULL fsyncs the log at every commit; NORMAL writes it at commit (a process crash loses
    // nothing) and fsyncs it at checkpoints, which the checkpointer's thread runs at least
    // every second after a commit.
    exec(durability == Durability::kSync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec(kSchema);
    {
      Statement check{prepare("PRAGMA quick_check")};
      std::string problems;
      while (sqlite3_step(check.stmt) == SQLITE_ROW) {
        const auto line = column_text(check.stmt, 0);
        if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
      }
      if (!problems.empty()) throw std::runtime_error(damaged_message(path, problems));
    }
    insert_ = prepare(
        "INSERT INTO jobs (id, type, payload, attempt, max_attempts, attempts_per_round, "
        "timeout_ms, created_ms, due_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    delete_ = prepare("DELETE FROM jobs WHERE row = ?");
    reschedule_ = prepare("UPDATE jobs SET attempt = ?, due_ms = ? WHERE row = ?");
    bury_ = prepare("UPDATE jobs SET attempt = ?, dead = 1 WHERE row = ?");
    checkpointer_ = std::make_unique<WalCheckpointer>(db_, path_);
  } catch (const std::runtime_error& e) {
    checkpointer_.reset();
    sqlite3_finalize(insert_);
    sqlite3_finalize(delete_);
    sqlite3_finalize(reschedule_);
    sqlite3_finalize(bury_);
    sqlite3_close(db_);
    const std::string what = e.what();
    if (what.find("is damaged") != std::string::npos) throw;
    throw std::runtime_error(damaged_message(path, what));
  }
}

Journal::~Journal() {
  // Unfinished work is dropped, not committed: nobody was told "accepted" for it.
  if (in_transaction_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  checkpointer_.reset();
  sqlite3_finalize(insert_);
  sqlite3_finalize(delete_);
  sqlite3_finalize(reschedule_);
  sqlite3_finalize(bury_);
  sqlite3_close(db_);
}

void Journal::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw std::runtime_error("journal " + path_.string() + ": " + reason);
  }
}

sqlite3_stmt* Journal::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("journal " + path_.string() + ": " + sqlite3_errmsg(db_));
  }
  return stmt;
}

void Journal::begin_if_needed() {
  if (in_transaction_) return;
  exec("BEGIN");
  in_transaction_ = true;
}

void Journal::step_done(sqlite3_stmt* stmt, const char* what) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (rc != SQLITE_DONE) {
    throw std::runtime_error("journal " + path_.string() + ": cannot " + what + ": " +
                             sqlite3_errmsg(db_));
  }
}

std::vector<TrackedJob> Journal::load_live() {
  Statement s{prepare(
      (std::string("SELECT ") + kColumns + " FROM jobs WHERE dead = 0 ORDER BY row").c_str())};
  std::vector<TrackedJob> jobs;
  std::uint64_t unreadable = 0;
  std::string first_problem;
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    auto job = restore_job(read_row(s.stmt), limits_);
    if (!job.ok()) {
      if (unreadable++ == 0) first_problem = job.error().message;
      continue;
    }
    jobs.push_back(std::move(job).value());
  }
  if (rc != SQLITE_DONE) throw std::runtime_error(damaged_message(path_, sqlite3_errmsg(db_)));
  if (unreadable > 0) {
    warnings_.push_back(std::to_string(unreadable) +
                        " rows have no id or type, or counts or times out of range, and were "
                        "skipped (the first: " +
                        first_problem + ")");
  }
  return jobs;
}

std::uint64_t Journal::count_dead() {
  Statement s{prepare("SELECT count(*) FROM jobs WHERE dead = 1")};
  return sqlite3_step(s.stmt) == SQLITE_ROW ? column_u64(s.stmt, 0) : 0;
}

std::int64_t Journal::add(const TrackedJob& t) {
  begin_if_needed();
  const auto& j = t.job;
  bind_text(insert_, 1, j.id);
  bind_text(insert_, 2, j.type);
  const auto& bytes = j.payload.msgpack();
  sqlite3_bind_blob(insert_, 3, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  bind_u64(insert_, 4, j.attempt);
  bind_u64(insert_, 5, j.max_attempts);
  bind_u64(insert_, 6, t.attempts_per_round);
  bind_u64(insert_, 7, j.timeout_ms);
  bind_u64(insert_, 8, j.created_ms);
  bind_u64(insert_, 9, t.due_ms);
  step_done(insert_, "add a job");
  return sqlite3_last_insert_rowid(db_);
}

void Journal::remove(std::int64_t row) {
  begin_if_needed();
  sqlite3_bind_int64(delete_, 1, row);
  step_done(delete_, "remove a finished job");
}

void Journal::reschedule(std::int64_t row, std::uint32_t attempt, std::uint64_t due_ms) {
  begin_if_needed();
  bind_u64(reschedule_, 1, attempt);
  bind_u64(reschedule_, 2, due_ms);
  sqlite3_bind_int64(reschedule_, 3, row);
  step_done(reschedule_, "schedule a retry");
}

void Journal::bury(std::int64_t row, std::uint32_t attempt) {
  begin_if_needed();
  bind_u64(bury_, 1, attempt);
  sqlite3_bind_int64(bury_, 2, row);
  step_done(bury_, "mark a job dead");
}

std::vector<JournalRow> Journal::select_dead(const DeadSelection& selection) {
  std::vector<JournalRow> found;
  const auto base = std::string("SELECT ") + kColumns + " FROM jobs WHERE dead = 1";
  if (selection.all_dead) {
    Statement s{prepare(
        (base + (selection.type.empty() ? "" : " AND type = ?") + " ORDER BY row").c_str())};
    if (!selection.type.empty()) bind_text(s.stmt, 1, selection.type);
    while (sqlite3_step(s.stmt) == SQLITE_ROW) found.push_back(read_row(s.stmt));
    return found;
  }
  Statement s{prepare((base + " AND id = ?").c_str())};
  // Each job once, however often it is named.
  const std::set<std::string> ids(selection.ids.begin(), selection.ids.end());
  for (const auto& id : ids) {
    bind_text(s.stmt, 1, id);
    while (sqlite3_step(s.stmt) == SQLITE_ROW) found.push_back(read_row(s.stmt));
    sqlite3_reset(s.stmt);
  }
  return found;
}

std::vector<TrackedJob> Journal::revive(const DeadSelection& selection, std::uint64_t now_ms) {
  std::vector<TrackedJob> jobs;
  for (const auto& row : select_dead(selection)) {
    // A row that cannot be run stays dead, where `zpipe discard` can still remove it.
    if (auto job = restore_job(row, limits_); job.ok()) jobs.push_back(std::move(job).value());
  }
  begin_if_needed();
  Statement s{
      prepare("UPDATE jobs SET dead = 0, attempt = ?, max_attempts = ?, due_ms = ? "
              "WHERE row = ?")};
  for (auto& t : jobs) {
    // The next attempt, and as many more as the job was first given.
    t.job.attempt += 1;
    t.job.max_attempts = t.job.attempt + t.attempts_per_round - 1;
    t.due_ms = now_ms;
    bind_u64(s.stmt, 1, t.job.attempt);
    bind_u64(s.stmt, 2, t.job.max_attempts);
    bind_u64(s.stmt, 3, t.due_ms);
    sqlite3_bind_int64(s.stmt, 4, t.journal_row);
    step_done(s.stmt, "revive a dead job");
  }
  return jobs;
}

std::vector<std::string> Journal::discard(const DeadSelection& selection) {
  std::vector<std::string> ids;
  for (const auto& row : select_dead(selection)) {
    remove(row.row);
    ids.push_back(row.id);
  }
  return ids;
}

void Journal::commit() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string reason = sqlite3_errmsg(db_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw std::runtime_error("journal " + path_.string() + ": cannot commit: " + reason);
  }
}

}  // namespace zpipe
