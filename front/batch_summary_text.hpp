// What `zpipe batch show` prints of one batch: a few aligned lines with its state and progress,
// its counts, when it was opened and finished, its callbacks and where they are, its dead jobs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/batch_requests.hpp"
#include "common/requests.hpp"

namespace zpipe {

// The first dead jobs listed; --json lists all the ventilator sent.
inline constexpr std::size_t kDeadIdsShown = 10;

// `callbacks`: where the callbacks named in `batch` are now, as the ventilator says (any order;
// one it was not asked about shows no state). Times in local time and how long before `now_ms`.
// Each line ends in '\n'.
std::string batch_summary_text(const BatchSummary& batch, const std::vector<JobStatus>& callbacks,
                               std::int64_t now_ms);

}  // namespace zpipe
