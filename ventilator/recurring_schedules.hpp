// RecurringSchedules: the recurring jobs the ventilator submits on a schedule (`zpipe schedule
// add`), each every N ms or at the times of a cron expression (UTC), with when each runs next
// and ran last. After downtime a missed run fires once, at start, and the schedule goes on from
// then: never a burst of the runs missed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/cron_expression.hpp"
#include "common/result.hpp"
#include "common/schedule_requests.hpp"

namespace zpipe {

class RecurringSchedules {
 public:
  // Adds or replaces `schedule` (its next run from now); kInvalid for a cron expression that
  // does not parse, or an interval under kMinEveryMs.
  Result<Ok> add(RecurringJob schedule, std::uint64_t now_ms);
  // Takes one back from the journal as it was saved: its next run is kept (a past one fires
  // at once, once).
  Result<Ok> restore(RecurringJob schedule, std::uint64_t now_ms);
  bool remove(const std::string& name);
  std::vector<RecurringJob> list() const;
  const RecurringJob* find(const std::string& name) const;

  // The names of the schedules due at `now_ms`.
  std::vector<std::string> due(std::uint64_t now_ms) const;
  // The schedule fired at `now_ms`, submitting `job_id`: its next run is the first one after now.
  void fired(const std::string& name, const std::string& job_id, std::uint64_t now_ms);
  std::optional<std::uint64_t> next_due_ms() const;

  // How the journal keeps a schedule, and reads it back.
  static std::string to_bytes(const RecurringJob& schedule);
  static Result<RecurringJob> from_bytes(const std::string& bytes);

  static constexpr std::uint64_t kMinEveryMs = 1000;

 private:
  struct Entry {
    RecurringJob schedule;
    std::optional<CronExpression> cron;
  };
  std::uint64_t next_after(const Entry& entry, std::uint64_t now_ms) const;
  Result<Entry> make_entry(RecurringJob schedule) const;

  std::map<std::string, Entry> entries_;
};

}  // namespace zpipe
