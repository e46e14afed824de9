// The requests about time: list the jobs waiting for their time ("scheduled_request", answered
// by ScheduledReply), and add, remove or list recurring jobs ("schedule_control", answered by
// SchedulesReply).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

// The jobs that wait for a time: delayed (run_at) and failed ones waiting out their retry
// delay, soonest first; at most `limit` of them (at most kMaxScheduledListed).
struct ScheduledRequest {
  std::uint64_t req = 0;
  std::uint64_t limit = 100;
  friend bool operator==(const ScheduledRequest&, const ScheduledRequest&) = default;
};
inline constexpr std::uint64_t kMaxScheduledListed = 10'000;

struct ScheduledJob {
  std::string id;
  std::string type;
  std::string queue;
  std::uint64_t due_ms = 0;   // Unix ms
  std::uint32_t attempt = 1;  // > 1: a retry
  friend bool operator==(const ScheduledJob&, const ScheduledJob&) = default;
};

struct ScheduledReply {
  std::uint64_t req = 0;
  std::vector<ScheduledJob> jobs;
  std::uint64_t total = 0;  // jobs waiting for a time, all of them
  std::string pipeline{};
  friend bool operator==(const ScheduledReply&, const ScheduledReply&) = default;
};

// A recurring job: the ventilator submits `job` every `every_ms`, or at the times of `cron`
// (5 fields, UTC). After downtime a missed run fires once, then the schedule goes on from now.
struct RecurringJob {
  std::string name;
  std::uint64_t every_ms = 0;  // one of every_ms and cron
  std::string cron{};
  JobSpec job{};
  std::uint64_t next_run_ms = 0;  // in replies
  std::uint64_t last_run_ms = 0;  // 0: never run
  std::string last_job_id{};
  friend bool operator==(const RecurringJob&, const RecurringJob&) = default;
};

struct ScheduleControl {
  enum class Action { kList, kAdd, kRemove };
  std::uint64_t req = 0;
  Action action = Action::kList;
  RecurringJob schedule{};  // add: all of it; remove: its name
  std::string pipeline{};
  friend bool operator==(const ScheduleControl&, const ScheduleControl&) = default;
};

struct SchedulesReply {
  std::uint64_t req = 0;
  std::vector<RecurringJob> schedules;  // by name
  std::string pipeline{};
  friend bool operator==(const SchedulesReply&, const SchedulesReply&) = default;
};

}  // namespace zpipe
