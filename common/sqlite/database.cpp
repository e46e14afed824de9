#include "common/sqlite/database.hpp"

#include <optional>
#include <stdexcept>
#include <utility>

namespace zpipe::sqlite {

Result<Database> Database::open(const std::filesystem::path& path, Mode mode, std::string what) {
  const int flags = mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                    : mode == Mode::kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                            : SQLITE_OPEN_READWRITE;
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
    return make_error(ErrorCode::kIo, what_ + ": " + reason);
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

void Database::keep_log_on_close() {
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

Error Database::error(std::string_view doing) const {
  return make_error(ErrorCode::kIo, what_ + ": " + std::string(doing) + ": " +
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
  return make_error(ErrorCode::kIo, what_ + ": " + std::string(doing) + ": " +
                                        sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error("cannot read");
}

Result<Ok> Statement::run(std::string_view doing) {
  const int rc = sqlite3_step(stmt_);
  // The error's words before reset(), which would replace them.
  auto failure = rc == SQLITE_DONE || rc == SQLITE_ROW ? std::optional<Error>()
                                                       : std::optional<Error>(error(doing));
  reset();
  if (failure) return *failure;
  return Ok{};
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
