// The tables of `zpipe results`, `failures` and `show`: recorded outcomes, attempts and children
// as lines that fit the terminal (cut with "..." only there), with coloured states on a colour
// terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/outcome.hpp"
#include "common/outcome_store.hpp"
#include "common/terminal.hpp"
#include "front/job_child.hpp"

namespace zpipe {

// `text` on one line (newlines and tabs become spaces), cut to `width` characters (UTF-8
// characters, never inside one) with "..." at the end when longer.
std::string one_line(std::string text, std::size_t width);

// A job state ("succeeded", "failed", "dead", "retrying", "pending" ...) left-aligned in
// `width` columns, in its colour when `style.colour`: green done, red failed or dead, yellow
// still to run.
std::string state_cell(std::string_view state, std::size_t width, const TerminalStyle& style);

// What the last column of a table says of an outcome: its error ("timeout: ran 30s") when it
// failed, who cancelled it ("cancelled by alice@web1") when cancelled, "" when it succeeded.
std::string outcome_error_text(const Outcome& outcome);

// ID, TYPE, QUEUE (only when some row is not in the default queue), STATUS, TRY, MS (running
// time; "-" for a job that never started), FINISHED ("3m ago" against `now_ms`), RESULT /
// ERROR: the last column takes the rest of `style.width` (at least 20 characters), all of the
// text when the width is unknown. One line per row, header first, each ending in '\n'.
std::string outcome_table(const std::vector<StoredOutcome>& rows, const TerminalStyle& style,
                          std::int64_t now_ms);

// The attempts of one job (`zpipe show`): TRY, STATUS, RUN MS, CPU MS, PEAK MiB, WORKER, KEY
// (only when some attempt has one), FINISHED, ERROR (the rest of the width).
std::string attempts_table(const std::vector<Outcome>& attempts, const TerminalStyle& style,
                           std::int64_t now_ms);

// The children of one job (`zpipe show`): "children", then ID, TYPE (at most 16 characters
// wide) and STATE (coloured as state_cell() colours it), one line each.
std::string children_table(const std::vector<JobChild>& children, const TerminalStyle& style);

}  // namespace zpipe
