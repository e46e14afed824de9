#include "front/schedules_json.hpp"

#include <string>

#include "common/time_point_text.hpp"

namespace zpipe {

nlohmann::json scheduled_jobs_json(const ScheduledReply& reply) {
  auto jobs = nlohmann::json::array();
  for (const auto& job : reply.jobs) {
    jobs.push_back({{"id", job.id},
                    {"type", job.type},
                    {"queue", job.queue},
                    {"due_ms", job.due_ms},
                    {"due", format_time_point(job.due_ms)},
                    {"attempt", job.attempt}});
  }
  return {{"pipeline", reply.pipeline}, {"total", reply.total}, {"jobs", jobs}};
}

nlohmann::json schedule_json(const RecurringJob& s) {
  nlohmann::json job{{"type", s.job.type},
                     {"payload", s.job.payload.to_json()},
                     {"queue", s.job.queue.empty() ? std::string(kDefaultQueue) : s.job.queue},
                     {"priority", s.job.priority}};
  if (s.job.timeout_ms != 0) job["timeout_ms"] = s.job.timeout_ms;
  if (s.job.max_attempts != 0) job["max_attempts"] = s.job.max_attempts;
  nlohmann::json out{{"name", s.name}, {"job", job}};
  if (s.cron.empty()) {
    out["every_ms"] = s.every_ms;
  } else {
    out["cron"] = s.cron;
  }
  out["next_run_ms"] = s.next_run_ms;
  out["last_run_ms"] = s.last_run_ms;
  out["last_job_id"] = s.last_job_id;
  return out;
}

nlohmann::json schedules_json(const SchedulesReply& reply) {
  auto list = nlohmann::json::array();
  for (const auto& s : reply.schedules) list.push_back(schedule_json(s));
  return {{"pipeline", reply.pipeline}, {"schedules", list}};
}

}  // namespace zpipe
