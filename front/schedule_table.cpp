#include "front/schedule_table.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "common/duration_text.hpp"
#include "common/job.hpp"
#include "front/outcome_table.hpp"
#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxCellWidth = 32;

std::string cell(const std::string& text, std::size_t width) {
  auto cut = one_line(text, width);
  if (cut.size() < width) cut.append(width - cut.size(), ' ');
  return cut;
}

std::string queue_of(const RecurringJob& s) {
  return s.job.queue.empty() ? std::string(kDefaultQueue) : s.job.queue;
}

}  // namespace

std::string schedule_when(const RecurringJob& schedule) {
  if (!schedule.cron.empty()) return "cron " + schedule.cron;
  return "every " + duration_text(std::chrono::milliseconds(schedule.every_ms));
}

std::string schedule_table(const std::vector<RecurringJob>& schedules, std::int64_t now_ms) {
  if (schedules.empty()) return "no recurring jobs (zpipe schedule add ...)\n";
  const auto width = [&schedules](std::size_t header,
                                  const std::function<std::string(const RecurringJob&)>& of) {
    std::size_t w = header;
    for (const auto& s : schedules) w = std::clamp(of(s).size(), w, kMaxCellWidth);
    return w;
  };
  const auto name_w = width(4, [](const RecurringJob& s) { return s.name; });
  const auto when_w = width(4, schedule_when);
  const auto type_w = width(4, [](const RecurringJob& s) { return s.job.type; });
  const auto queue_w = width(5, queue_of);
  std::vector<std::string> next_runs;
  for (const auto& s : schedules) {
    const auto next = static_cast<std::int64_t>(s.next_run_ms);
    next_runs.push_back(next == 0 ? "-"
                                  : local_time(next) + " (" + relative_time(next, now_ms) + ")");
  }
  std::size_t next_w = 8;
  for (const auto& n : next_runs) next_w = std::max(next_w, n.size());

  std::string table = cell("NAME", name_w) + " " + cell("WHEN", when_w) + " " +
                      cell("TYPE", type_w) + " " + cell("QUEUE", queue_w) + " " +
                      cell("NEXT RUN", next_w) + " " + cell("LAST RUN", 9) + " LAST JOB\n";
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    const auto& s = schedules[i];
    table += cell(s.name, name_w) + " " + cell(schedule_when(s), when_w) + " " +
             cell(s.job.type, type_w) + " " + cell(queue_of(s), queue_w) + " " +
             cell(next_runs[i], next_w) + " " +
             cell(relative_time(static_cast<std::int64_t>(s.last_run_ms), now_ms), 9) + " " +
             (s.last_job_id.empty() ? std::string("-") : s.last_job_id) + "\n";
  }
  return table;
}

}  // namespace zpipe
