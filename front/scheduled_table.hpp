// The table of `zpipe scheduled`: the jobs that wait for a time (delayed, or for a retry), with
// when each is due.
#pragma once

#include <cstdint>
#include <string>

#include "common/schedule_requests.hpp"

namespace zpipe {

// ID, TYPE, QUEUE, DUE (local time and how far off, against `now_ms`: "2026-12-04 09:00:00.000
// (in 5m)"), then "retry, attempt N" for a job that waits to be retried. Then the total: "3 jobs
// wait for their time", or "showing 100 of 5230 jobs that wait for their time (--limit N shows
// more)" when the reply lists fewer than wait; "no job waits for its time" when none does.
// Each line ends in '\n'.
std::string scheduled_table(const ScheduledReply& reply, std::int64_t now_ms);

}  // namespace zpipe
