#include "common/sqlite/database.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

#include "common/sqlite/database_files.hpp"

namespace zpipe::sqlite {
namespace {

// What a failed call on `db` means to the caller: a full disk is waited out, the rest is not.
ErrorCode code_of(sqlite3* db) {
  return db != nullptr && sqlite3_errcode(db) == SQLITE_FULL ? ErrorCode::kDiskFull
                                                             : ErrorCode::kIo;
}

}  // namespace

Result<Database> Database::open(const std::filesystem::path& path, Mode mode, std::string what) {
  const int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                    : mode == Mode::kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                            : SQLITE_OPEN_READWRITE;
  // Before SQLite's first use: no count of its memory, which took a lock around every allocation
  // (8% of the sink's time); zpipe never asks for that count.
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(ErrorCode::kIo, "cannot open " + what + ": " + reason);
  }
  // Readers and the checkpointer's connection may hold a lock for a moment: wait, not fail.
  sqlite3_busy_timeout(db, 5000);
  return Database(db, std::move(what));
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), what_(std::move(other.what_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    what_ = std::move(other.what_);
  }
  return *this;
}

// close_v2: the connection goes when its last statement is finalized, whichever goes first.
Database::~Database() { sqlite3_close_v2(db_); }

Result<Ok> Database::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return make_error(code_of(db_), what_ + ": " + reason);
  }
  return Ok{};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return error("cannot prepare a statement");
  }
  return Statement(stmt, what_);
}

void Database::exec_or_throw(std::string_view sql) {
  if (auto done = exec(sql); !done.ok()) throw std::runtime_error(done.error().message);
}

Statement Database::prepare_or_throw(std::string_view sql) {
  auto prepared = prepare(sql);
  if (!prepared.ok()) throw std::runtime_error(prepared.error().message);
  return std::move(prepared).value();
}

Result<bool> Database::has_table(std::string_view name) {
  auto s = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  if (!s.ok()) return s.error();
  const std::string table(name);
  s.value().bind_text(1, table);
  return s.value().step();
}

Result<bool> Database::has_column(std::string_view table, std::string_view column) {
  auto s = prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
  if (!s.ok()) return s.error();
  const std::string table_name(table);
  const std::string column_name(column);
  s.value().bind_text(1, table_name);
  s.value().bind_text(2, column_name);
  return s.value().step();
}

void Database::seal() {
  sqlite3_wal_autocheckpoint(db_, 0);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

namespace {

// Why this process cannot write the store at `path`, if it cannot. SQLite alone would open a
// read-only file read-only without a word and fail at the first write, and say "unable to open
// database file" of a folder it cannot write (it makes FILE-wal and FILE-shm beside FILE).
std::optional<std::string> unwritable(const std::filesystem::path& path) {
  const auto folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  if (::access(folder.c_str(), W_OK) != 0) {
    return "its folder " + folder.string() + " is not writable (" + std::strerror(errno) +
           "): the store needs to write files there";
  }
  if (::access(path.c_str(), F_OK) == 0 && ::access(path.c_str(), W_OK) != 0) {
    return "the file is not writable (" + std::string(std::strerror(errno)) + ")";
  }
  return std::nullopt;
}

}  // namespace

Result<Database> Database::open_store(const std::filesystem::path& path, const StoreShape& shape) {
  const auto named = shape.what + " " + path.string();
  if (const auto why = unwritable(path)) {
    return make_error(ErrorCode::kIo, "cannot open " + named + ": " + *why);
  }
  auto lost = [&](const std::string& why) {
    return make_error(ErrorCode::kUnavailable,
                      shape.what + " " + why + ", and " + shape.held +
                          " it held are gone. Restore it from a backup, or move "
                          "it (and its -wal file) away to " +
                          shape.start_anew);
  };
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    // Made whole under another name first: a crash meanwhile leaves no half store at `path`.
    const auto fresh = std::filesystem::path(path.string() + ".new");
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(fresh.string() + suffix, error);
    }
    {
      auto made = open(fresh, Mode::kCreate, named);
      if (!made.ok()) return made.error();
      if (auto done = made.value().exec("PRAGMA journal_mode=WAL"); !done.ok()) {
        return made.value().error("cannot make it");
      }
      if (auto done = made.value().exec(shape.schema); !done.ok()) {
        return made.value().error("cannot make it");
      }
    }  // closed: its log is copied into the file and removed
    std::filesystem::rename(fresh, path, error);
    if (error) {
      return make_error(ErrorCode::kIo, "cannot make " + named + ": " + error.message());
    }
  } else if (auto truncated = DatabaseFiles::truncation_of(path)) {
    return lost(*truncated + ": it was truncated");
  }
  auto opened = open(path, Mode::kReadWrite, named);
  if (!opened.ok()) return opened.error();
  auto& db = opened.value();
  if (auto done = db.exec("PRAGMA journal_mode=WAL"); !done.ok()) return db.error("cannot open it");
  auto has_table = db.has_table(shape.table);
  if (!has_table.ok()) return has_table.error();
  if (!has_table.value()) {
    return lost(path.string() + " holds no " + shape.table +
                " table: it was emptied or replaced by another file");
  }
  return opened;
}

Error Database::error(std::string_view doing) const {
  return make_error(code_of(db_), what_ + ": " + std::string(doing) + ": " +
                                      (db_ != nullptr ? sqlite3_errmsg(db_) : "not open"));
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), what_(std::move(other.what_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    what_ = std::move(other.what_);
  }
  return *this;
}

Error Statement::error(std::string_view doing) const {
  return make_error(
      code_of(sqlite3_db_handle(stmt_)),
      what_ + ": " + std::string(doing) + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error("cannot read");
}

Result<Ok> Statement::run(std::string_view doing) {
  return run([doing] { return std::string(doing); });
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

std::string Statement::column_blob(int column) const {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return blob == nullptr
             ? std::string()
             : std::string(blob, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace zpipe::sqlite
