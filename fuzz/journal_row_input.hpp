// The input format of the journal row fuzz target: seven 8-byte little-endian integers (row,
// attempt, max_attempts, attempts_per_round, timeout_ms, created_ms, due_ms), then the id, a
// zero byte, the type, a zero byte, and the payload blob (all the rest). Missing parts are
// zero or empty. make_corpus writes seeds in this format.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ventilator/journal_row.hpp"

namespace zpipe::fuzz {

inline JournalRow read_journal_row(std::string_view input) {
  JournalRow row;
  const std::array<std::int64_t*, 8> numbers = {
      &row.row,        &row.attempt,    &row.max_attempts, &row.attempts_per_round,
      &row.timeout_ms, &row.created_ms, &row.due_ms,       &row.priority};
  for (auto* number : numbers) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8 && i < input.size(); ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(input[i])} << (8 * i);
    }
    *number = static_cast<std::int64_t>(value);
    input.remove_prefix(std::min<std::size_t>(8, input.size()));
  }
  const auto take_text = [&input] {
    const auto end = input.find('\0');
    const std::string text(input.substr(0, end));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    return text;
  };
  row.id = take_text();
  row.type = take_text();
  row.queue = take_text();
  row.payload = std::string(input);
  // The workflow column is msgpack too (a job spec): the same bytes test its decoder.
  row.workflow = row.payload;
  return row;
}

// Precondition: id, type and queue hold no zero byte.
inline std::string write_journal_row(const JournalRow& row) {
  std::string out;
  for (const std::int64_t number : {row.row, row.attempt, row.max_attempts, row.attempts_per_round,
                                    row.timeout_ms, row.created_ms, row.due_ms, row.priority}) {
    const auto value = static_cast<std::uint64_t>(number);
    for (std::size_t i = 0; i < 8; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  }
  out += row.id + '\0' + row.type + '\0' + row.queue + '\0' + row.payload;
  return out;
}

}  // namespace zpipe::fuzz
