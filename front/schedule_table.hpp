// The table of `zpipe schedule list`: the recurring jobs the ventilator holds, when each runs
// next and what its last run made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/schedule_requests.hpp"

namespace zpipe {

// "every 30s" or "cron */5 * * * *": when a recurring job runs.
std::string schedule_when(const RecurringJob& schedule);

// NAME, WHEN (schedule_when), TYPE, QUEUE, NEXT RUN (local time and how far off, against
// `now_ms`), LAST RUN (how long ago; "-" never), LAST JOB (its id; "-" none). Header first, each
// line ending in '\n'; "no recurring jobs (zpipe schedule add ...)\n" when there are none.
std::string schedule_table(const std::vector<RecurringJob>& schedules, std::int64_t now_ms);

}  // namespace zpipe
