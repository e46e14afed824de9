// The table of `zpipe workers`: each worker the ventilator knows, one line each, fitting the
// terminal (the WORKER column is cut with "..." only there), states coloured on a colour terminal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/requests.hpp"
#include "common/terminal.hpp"

namespace zpipe {

// WORKER (its name, and its host:pid when that differs), STATE ("silent 12s" for one silent
// that long), SLOTS, HELD (jobs it holds now), SENT (jobs sent to it since it connected),
// CREDIT, HEARD and CONNECTED (how long ago). A worker that takes only some types or queues has
// a second line that says which: "  types echo, thumbnail; queues critical, default" (cut to the
// terminal). Header first, each line ending in '\n'.
std::string worker_table(const std::vector<WorkerSummary>& workers, const TerminalStyle& style);

// "2 workers, 4 slots, 3 jobs held, 1 silent": the table's last line.
std::string workers_total(const std::vector<WorkerSummary>& workers);

}  // namespace zpipe
