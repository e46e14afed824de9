#include "front/schedule_arguments.hpp"

#include "common/cron_expression.hpp"
#include "common/decode_limits.hpp"
#include "common/duration_text.hpp"

namespace zpipe {

Result<RecurringJob> recurring_job_from_arguments(const ScheduleArguments& a) {
  RecurringJob schedule;
  if (a.name.empty() || a.name.size() > kMaxNameBytes) {
    return make_error(ErrorCode::kInvalid, "the schedule's NAME must be 1 to " +
                                               std::to_string(kMaxNameBytes) + " bytes");
  }
  schedule.name = a.name;
  if (a.every.empty() == a.cron.empty()) {
    return make_error(ErrorCode::kInvalid,
                      "give --every DURATION (30s, 5m, 1h) or --cron \"MIN HOUR DAY MONTH "
                      "WEEKDAY\", one of the two");
  }
  if (!a.every.empty()) {
    auto every = parse_duration(a.every);
    if (!every.ok()) return make_error(ErrorCode::kInvalid, "--every: " + every.error().message);
    schedule.every_ms = static_cast<std::uint64_t>(every.value().count());
  } else {
    auto cron = CronExpression::parse(a.cron);
    if (!cron.ok()) return make_error(ErrorCode::kInvalid, "--cron: " + cron.error().message);
    schedule.cron = cron.value().text();
  }
  if (a.job.type.empty()) {
    return make_error(ErrorCode::kInvalid,
                      "give the job TYPE after the schedule (zpipe schedule add NAME --every 30s "
                      "echo --arg msg=hi)");
  }
  auto job = job_spec_from_arguments(a.job, 0);
  if (!job.ok()) return job.error();
  schedule.job = std::move(job).value();
  return schedule;
}

}  // namespace zpipe
