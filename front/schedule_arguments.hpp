// Turning `zpipe schedule add NAME (--every 30s | --cron "*/5 * * * *") TYPE [--arg k=v ...]` into
// the RecurringJob the ventilator is asked to hold.
#pragma once

#include <string>

#include "common/result.hpp"
#include "common/schedule_requests.hpp"
#include "front/job_spec_parser.hpp"

namespace zpipe {

struct ScheduleArguments {
  std::string name;
  std::string every;    // --every: a duration, "30s", "5m" (common/duration_text.hpp)
  std::string cron;     // --cron: five crontab fields, UTC (common/cron_expression.hpp)
  SubmitArguments job;  // the job each run submits (its --in, --at and --unique-key unused)
};

// Fails (kInvalid) with a sentence naming the bad argument: no name or one over 200 bytes,
// neither or both of --every and --cron, a duration or cron text that does not read, or a job
// that `zpipe submit` would refuse.
Result<RecurringJob> recurring_job_from_arguments(const ScheduleArguments& arguments);

}  // namespace zpipe
