// The per-type part of `zpipe status`: for each job type, how many jobs are pending, in
// flight, retrying, succeeded and dead; and the types whose jobs wait for want of a worker.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/requests.hpp"

namespace zpipe {

// TYPE, PENDING, IN FLIGHT, RETRYING, SUCCEEDED, DEAD; a last row "(other types)" for
// `others` when given. TYPE is as wide as its longest value, at most 24 (cut with "...").
// Header first, each line ending in '\n'; empty when there is no row.
std::string type_counts_table(const std::vector<TypeCounts>& by_type,
                              const std::optional<TypeCounts>& others);

// A line for each of `types` (jobs wait, no connected worker handles them): "2 jobs of type
// word_count wait: no connected worker handles word_count", the count from `by_type` (just
// "jobs of type X wait" for a type it does not count). Each line ends in '\n'.
std::string types_without_workers_text(const std::vector<std::string>& types,
                                       const std::vector<TypeCounts>& by_type);

}  // namespace zpipe
