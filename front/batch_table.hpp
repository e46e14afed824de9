// The table of `zpipe batch list`: the batches the ventilator holds, one line each.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/batch_requests.hpp"

namespace zpipe {

// "open" (not sealed: jobs may still join), "running" (sealed, not all its jobs ended) or
// "complete" (all ended; its callbacks are made).
std::string_view batch_state(const BatchSummary& batch);

// ID, DESCRIPTION (cut with "..." at 40 characters), PROGRESS ("2/3": jobs ended of all),
// SUCCEEDED, DEAD, CANCELLED, STATE (batch_state), in the order given (the ventilator's: newest
// first). ID and DESCRIPTION are as wide as their longest value. Each line ends in '\n';
// "no batches\n" for none.
std::string batch_table(const std::vector<BatchSummary>& batches);

}  // namespace zpipe
