// What `zpipe status` and `zpipe-monitor top` say of the job types that wait for a worker: jobs
// of them are pending and no connected worker handles them (StatusReply::types_without_workers).
#pragma once

#include <string>
#include <vector>

#include "common/requests.hpp"

namespace zpipe {

// A line for each of `types` (jobs wait, no connected worker handles them): "2 jobs of type
// word_count wait: no connected worker handles word_count", the count from `by_type` (just
// "jobs of type X wait" for a type it does not count). Each line ends in '\n'.
std::string types_without_workers_text(const std::vector<std::string>& types,
                                       const std::vector<TypeCounts>& by_type);

}  // namespace zpipe
