// Small helpers over SQLite's C API shared by the stores (the sink's outcome store, the
// ventilator's journal): a statement that cleans up after itself, and typed bind/column calls.
#pragma once

#include <cstdint>
#include <string>

#include <sqlite3.h>

namespace zpipe::sqlite {

// Finalizes the statement when it goes out of scope, or, for a prepared statement kept for
// reuse (`owned` false), resets it and clears its bindings.
struct Statement {
  sqlite3_stmt* stmt;
  bool owned = true;
  ~Statement() {
    if (owned) {
      sqlite3_finalize(stmt);
    } else {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  }
};

inline std::string column_text(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

inline std::uint64_t column_u64(sqlite3_stmt* stmt, int column) {
  return static_cast<std::uint64_t>(sqlite3_column_int64(stmt, column));
}

// Not copied (SQLITE_STATIC; a copy was a tenth of the sink's insert): `text` must outlive
// the statement's step. A temporary cannot be bound.
inline void bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}
void bind_text(sqlite3_stmt* stmt, int index, std::string&& text) = delete;

inline void bind_u64(sqlite3_stmt* stmt, int index, std::uint64_t value) {
  sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(value));
}

}  // namespace zpipe::sqlite
