#include "front/scheduled_table.hpp"

#include <algorithm>
#include <cstdio>

#include "common/plural.hpp"
#include "front/outcome_table.hpp"
#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxCellWidth = 32;

std::size_t width_of(const std::vector<ScheduledJob>& jobs, std::size_t header,
                     std::string ScheduledJob::*field) {
  std::size_t width = header;
  for (const auto& job : jobs) width = std::clamp((job.*field).size(), width, kMaxCellWidth);
  return width;
}

std::string cell(const std::string& text, std::size_t width) {
  auto cut = one_line(text, width);
  if (cut.size() < width) cut.append(width - cut.size(), ' ');
  return cut;
}

}  // namespace

std::string scheduled_table(const ScheduledReply& reply, std::int64_t now_ms) {
  if (reply.jobs.empty() && reply.total == 0) return "no job waits for its time\n";
  const auto id_width = width_of(reply.jobs, 2, &ScheduledJob::id);
  const auto type_width = width_of(reply.jobs, 4, &ScheduledJob::type);
  const auto queue_width = width_of(reply.jobs, 5, &ScheduledJob::queue);
  std::string table;
  if (!reply.jobs.empty()) {
    table = cell("ID", id_width) + " " + cell("TYPE", type_width) + " " +
            cell("QUEUE", queue_width) + " DUE\n";
  }
  for (const auto& job : reply.jobs) {
    const auto due = static_cast<std::int64_t>(job.due_ms);
    table += cell(job.id, id_width) + " " + cell(job.type, type_width) + " " +
             cell(job.queue, queue_width) + " " + local_time(due) + " (" +
             relative_time(due, now_ms) + ")";
    if (job.attempt > 1) table += "  retry, attempt " + std::to_string(job.attempt);
    table += "\n";
  }
  const auto waiting = std::max<std::uint64_t>(reply.total, reply.jobs.size());
  if (reply.jobs.size() < waiting) {
    table += "showing " + std::to_string(reply.jobs.size()) + " of " + count_noun(waiting, "job") +
             " that wait for their time (--limit N shows more)\n";
  } else {
    table += count_noun(waiting, "job") +
             (waiting == 1 ? " waits for its time\n" : " wait for their time\n");
  }
  return table;
}

}  // namespace zpipe
