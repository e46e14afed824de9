// Where a job is now, as the ventilator tells it (JobStatus), in words for `zpipe show`,
// `zpipe retry` and `zpipe discard`.
#pragma once

#include <cstdint>
#include <string>

#include "common/requests.hpp"

namespace zpipe {

// "at vm:4327, running or next in line there (attempt 2 of 3)", "waits to be retried at
// 12:00:05.120 (in 3s), attempt 2 of 3", "dead after attempt 3 of 3: invalid: ...", ...
std::string describe_job_state(const JobStatus& job, std::int64_t now_ms);

}  // namespace zpipe
