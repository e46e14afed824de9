#include "ventilator/recurring_schedules.hpp"

#include <variant>

#include "common/protocol.hpp"

namespace zpipe {

Result<RecurringSchedules::Entry> RecurringSchedules::make_entry(RecurringJob schedule) const {
  Entry entry;
  if (!schedule.cron.empty()) {
    auto cron = CronExpression::parse(schedule.cron);
    if (!cron.ok()) return cron.error();
    entry.cron = std::move(cron).value();
  } else if (schedule.every_ms < kMinEveryMs) {
    return make_error(ErrorCode::kInvalid, "a schedule runs at most once a second (--every 1s)");
  }
  entry.schedule = std::move(schedule);
  return entry;
}

std::uint64_t RecurringSchedules::next_after(const Entry& entry, std::uint64_t now_ms) const {
  if (entry.cron) return entry.cron->next_after(now_ms);
  const auto every = entry.schedule.every_ms;
  const auto previous = entry.schedule.next_run_ms;
  if (previous == 0 || previous > now_ms) return now_ms + every;
  // On the beat the schedule kept, the first one after now: missed runs are not made up.
  return previous + ((now_ms - previous) / every + 1) * every;
}

Result<Ok> RecurringSchedules::add(RecurringJob schedule, std::uint64_t now_ms) {
  schedule.next_run_ms = 0;
  schedule.last_run_ms = 0;
  schedule.last_job_id.clear();
  auto entry = make_entry(std::move(schedule));
  if (!entry.ok()) return entry.error();
  auto& e = entry.value();
  e.schedule.next_run_ms = next_after(e, now_ms);
  auto name = e.schedule.name;
  entries_.insert_or_assign(std::move(name), std::move(e));
  return Ok{};
}

Result<Ok> RecurringSchedules::restore(RecurringJob schedule, std::uint64_t now_ms) {
  auto entry = make_entry(std::move(schedule));
  if (!entry.ok()) return entry.error();
  auto& e = entry.value();
  if (e.schedule.next_run_ms == 0) e.schedule.next_run_ms = next_after(e, now_ms);
  auto name = e.schedule.name;
  entries_.insert_or_assign(std::move(name), std::move(e));
  return Ok{};
}

bool RecurringSchedules::remove(const std::string& name) { return entries_.erase(name) > 0; }

std::vector<RecurringJob> RecurringSchedules::list() const {
  std::vector<RecurringJob> all;
  all.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) all.push_back(entry.schedule);
  return all;
}

const RecurringJob* RecurringSchedules::find(const std::string& name) const {
  const auto found = entries_.find(name);
  return found == entries_.end() ? nullptr : &found->second.schedule;
}

std::vector<std::string> RecurringSchedules::due(std::uint64_t now_ms) const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) {
    if (entry.schedule.next_run_ms <= now_ms) names.push_back(name);
  }
  return names;
}

void RecurringSchedules::fired(const std::string& name, const std::string& job_id,
                               std::uint64_t now_ms) {
  const auto found = entries_.find(name);
  if (found == entries_.end()) return;
  auto& entry = found->second;
  entry.schedule.last_run_ms = now_ms;
  entry.schedule.last_job_id = job_id;
  entry.schedule.next_run_ms = next_after(entry, now_ms);
}

std::optional<std::uint64_t> RecurringSchedules::next_due_ms() const {
  std::optional<std::uint64_t> next;
  for (const auto& [name, entry] : entries_) {
    if (!next || entry.schedule.next_run_ms < *next) next = entry.schedule.next_run_ms;
  }
  return next;
}

std::string RecurringSchedules::to_bytes(const RecurringJob& schedule) {
  return encode(SchedulesReply{0, {schedule}, ""});
}

Result<RecurringJob> RecurringSchedules::from_bytes(const std::string& bytes) {
  auto decoded = decode(bytes);
  if (!decoded.ok()) return decoded.error();
  const auto* reply = std::get_if<SchedulesReply>(&decoded.value());
  if (reply == nullptr || reply->schedules.size() != 1) {
    return make_error(ErrorCode::kInvalid, "not a saved schedule");
  }
  return reply->schedules.front();
}

}  // namespace zpipe
