// The per-type part of `zpipe status`: for each job type, how many jobs are pending, in
// flight, retrying, succeeded and dead.
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

}  // namespace zpipe
