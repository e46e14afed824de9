// The job's payload as `zpipe show` prints it: what its attempts recorded of the payload that
// the worker sent back with each outcome (common/outcome.hpp), pretty JSON cut to a number of
// lines for a terminal, or fields of `zpipe show --json`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/outcome.hpp"

namespace zpipe {

// "payload" (the payload, or null when none was kept) and, when it was too large to keep,
// "payload_bytes" (its size), added to `show`'s JSON object.
void add_job_payload_fields(nlohmann::json& show, const std::vector<Outcome>& attempts);

// The "payload" section: its heading and the pretty JSON, at most `max_lines` lines of it and
// each at most `width` columns (std::nullopt: whole, as into a file), with a closing line that
// says how many more lines `zpipe show ID --json` would print. Or one line saying why there is
// no payload: too large to keep ("payload of 3.2 MiB not kept ..."), or not sent back.
std::string job_payload_text(const std::string& id, const std::vector<Outcome>& attempts,
                             std::optional<std::size_t> max_lines,
                             std::optional<std::size_t> width);

// Lines of the payload that `zpipe show` prints on a terminal of `rows` rows: half of it, and
// never fewer than 10; everything when the output is not a terminal.
std::optional<std::size_t> payload_lines_for(std::optional<std::size_t> rows);

// The rows of the terminal on `fd`, or std::nullopt when it is none (a file, a pipe).
std::optional<std::size_t> terminal_rows(int fd = 1);

}  // namespace zpipe
