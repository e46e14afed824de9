#include "front/queue_table.hpp"

#include <algorithm>
#include <cstdio>

#include "common/short_age.hpp"
#include "front/outcome_table.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxNameWidth = 40;

unsigned long long ull(std::uint64_t value) { return static_cast<unsigned long long>(value); }

std::string printed(const char* format, auto... values) {
  char line[256];
  std::snprintf(line, sizeof line, format, values...);
  return line;
}

template <class Row, class Name>
int name_width(const std::vector<Row>& rows, std::size_t header, Name name) {
  std::size_t width = header;
  for (const auto& row : rows) width = std::clamp(name(row).size(), width, kMaxNameWidth);
  return static_cast<int>(width);
}

}  // namespace

std::string queue_table(const QueuesReply& reply) {
  std::string table;
  if (reply.queues.empty()) {
    table = "no queues yet\n";
  } else {
    const auto w = name_width(reply.queues, 5, [](const QueueSummary& q) { return q.name; });
    table = printed("%-*s %9s %9s %9s %8s  %s\n", w, "QUEUE", "PENDING", "RUNNING", "SCHEDULED",
                    "LATENCY", "PAUSED");
    for (const auto& q : reply.queues) {
      const auto latency = q.latency_ms == 0 ? std::string("-") : short_age(q.latency_ms);
      auto line =
          printed("%-*s %9llu %9llu %9llu %8s  %s", w,
                  one_line(q.name, static_cast<std::size_t>(w)).c_str(), ull(q.pending),
                  ull(q.running), ull(q.scheduled), latency.c_str(), q.paused ? "paused" : "");
      // No blanks at the end of a line of a queue that is not paused.
      line.erase(line.find_last_not_of(' ') + 1);
      table += line + "\n";
    }
  }
  if (!reply.limits.empty()) {
    const auto w = name_width(reply.limits, 5, [](const LimitSummary& l) { return l.limit; });
    table += printed("\n%-*s %9s %9s\n", w, "LIMIT", "RUNNING", "WAITING");
    for (const auto& l : reply.limits) {
      table +=
          printed("%-*s %9llu %9llu\n", w, one_line(l.limit, static_cast<std::size_t>(w)).c_str(),
                  ull(l.running), ull(l.waiting));
    }
  }
  return table;
}

}  // namespace zpipe
