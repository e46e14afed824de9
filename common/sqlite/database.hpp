// The one place zpipe talks to SQLite's C API: a Database (one connection: open, exec, prepare,
// the last error in words) and a move-only Statement that finalizes itself. The stores (the
// sink's outcomes, the ventilator's journal) build on these and never hold a raw handle.
// Failures are Results with ErrorCode::kIo and SQLite's own words; nothing here throws.
// A Database and its Statements belong to one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <sqlite3.h>

#include "common/result.hpp"

namespace zpipe::sqlite {

class Statement;

class Database {
 public:
  enum class Mode { kReadWrite, kCreate, kReadOnly };

  // `what` names the database in error texts ("the journal /var/lib/zpipe/journal.db").
  static Result<Database> open(const std::filesystem::path& path, Mode mode, std::string what);

  // What open_store() needs to know of a store.
  struct StoreShape {
    std::string what;        // "the journal", "the outcome store"
    std::string schema;      // the statements that make a new one (CREATE TABLE ...)
    std::string table;       // a table every such store has
    std::string held;        // what a lost one took with it: "the jobs", "the outcomes"
    std::string start_anew;  // what moving it away leads to: "start a new store"
  };
  // Opens the store at `path` read-write, in WAL mode. A new store is made under a temporary
  // name and renamed into place once its schema is in, so that a file at `path` always held a
  // store: one there that is empty, shorter than its header says (DatabaseFiles), or without
  // `shape.table` was truncated or replaced, and is refused with what it took and what to do,
  // never made again over what was lost: kUnavailable. kIo when it cannot be opened or made (a
  // damaged file among others).
  static Result<Database> open_store(const std::filesystem::path& path, const StoreShape& shape);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return no rows.
  Result<Ok> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // exec(), but throws std::runtime_error with the error's text: for opening a store, where
  // every failure means the store cannot be used.
  void exec_or_throw(std::string_view sql);
  Statement prepare_or_throw(std::string_view sql);

  // Whether the database has a table of that name, and that table a column of that name.
  Result<bool> has_table(std::string_view name);
  Result<bool> has_column(std::string_view table, std::string_view column);

  // Nothing more goes from the log into the file: no automatic checkpoint, none on close (SQLite
  // makes one at the last close). For a file found changed under the program, so that what
  // happened to it stays visible to the next start. Stop other checkpointing connections first.
  void seal();
  // A transaction is open (BEGIN without its COMMIT or ROLLBACK yet; SQLite may also have
  // rolled one back by itself after an error).
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  // "<what>: <SQLite's message for the last failure>", prefixed with `doing` ("cannot commit").
  Error error(std::string_view doing) const;
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  const std::string& what() const { return what_; }
  sqlite3* handle() const { return db_; }

 private:
  Database(sqlite3* db, std::string what) : db_(db), what_(std::move(what)) {}
  sqlite3* db_ = nullptr;
  std::string what_;
};

class Statement {
 public:
  Statement() = default;  // none yet: assign a prepared one before use
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Moves to the next row: true when there is one, false when done, an Error when SQLite
  // fails (a damaged file, a full disk, a lock).
  Result<bool> step();
  // Steps a statement that returns no rows, then resets it for its next use.
  Result<Ok> run(std::string_view doing);
  // The same, with the words for a failure made only when it fails: a hot path's statement,
  // whose words name the job, allocates nothing when it succeeds.
  template <class Describe>
  requires std::is_invocable_r_v<std::string, Describe> Result<Ok> run(Describe&& describe) {
    const int rc = sqlite3_step(stmt_);
    // The error's words before reset(), which would replace them.
    auto failure = rc == SQLITE_DONE || rc == SQLITE_ROW ? std::optional<Error>()
                                                         : std::optional<Error>(error(describe()));
    reset();
    if (failure) return *failure;
    return Ok{};
  }
  // Ready for another run: clears its bindings too.
  void reset();

  // reset() when the scope ends, whichever way it ends: for a kept statement whose bindings
  // point at strings the scope owns (a statement not reset refuses new bindings).
  class [[nodiscard]] ResetAtExit {
   public:
    explicit ResetAtExit(Statement& statement) : statement_(statement) {}
    ~ResetAtExit() { statement_.reset(); }
    ResetAtExit(const ResetAtExit&) = delete;
    ResetAtExit& operator=(const ResetAtExit&) = delete;

   private:
    Statement& statement_;
  };
  ResetAtExit reset_at_exit() { return ResetAtExit(*this); }

  // Bound, not copied (SQLITE_STATIC: a copy was a tenth of the sink's insert): the bytes must
  // outlive the statement's step. A temporary cannot be bound.
  void bind_text(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void bind_text(int index, std::string&& text) = delete;
  void bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  }
  void bind_u64(int index, std::uint64_t value) {
    sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
  }
  void bind_i64(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void bind_null(int index) { sqlite3_bind_null(stmt_, index); }
  // The largest parameter number the statement names (?NNN): those up to it may be bound.
  int parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }

  std::string column_text(int column) const;
  std::string column_blob(int column) const;
  int column_count() const { return sqlite3_column_count(stmt_); }
  std::uint64_t column_u64(int column) const {
    return static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, column));
  }
  std::int64_t column_i64(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, std::string what) : stmt_(stmt), what_(std::move(what)) {}
  Error error(std::string_view doing) const;
  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;  // the database's name, for error texts
};

}  // namespace zpipe::sqlite
