// The JSON of what waits for its time at the ventilator: the jobs waiting (delayed, or for a
// retry), as `zpipe scheduled --json` prints them, and the recurring jobs, as `zpipe schedule
// list --json` (and add and remove, with the schedules after them) prints them; zpipe-web's
// /api/scheduled and /api/schedules answer the same (docs/HTTP.md).
#pragma once

#include <nlohmann/json.hpp>

#include "common/schedule_requests.hpp"

namespace zpipe {

// {"pipeline": ..., "total": (how many wait in all), "jobs": [{"id", "type", "queue", "due_ms",
// "due" (RFC 3339, UTC), "attempt" (> 1: a retry)}, ...]}, soonest first as listed.
nlohmann::json scheduled_jobs_json(const ScheduledReply& reply);

// One recurring job: {"name", "every_ms" or "cron", "next_run_ms", "last_run_ms" (0: never
// run), "last_job_id" ("" before the first run), "job": {"type", "payload", "queue", "priority"
// and, when set, "timeout_ms" and "max_attempts"}}.
nlohmann::json schedule_json(const RecurringJob& schedule);

// {"pipeline": ..., "schedules": [schedule_json(), ...]}, by name.
nlohmann::json schedules_json(const SchedulesReply& reply);

}  // namespace zpipe
