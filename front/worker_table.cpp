#include "front/worker_table.hpp"

#include <algorithm>
#include <cstdio>

#include "common/plural.hpp"
#include "common/short_age.hpp"
#include "front/outcome_table.hpp"

namespace zpipe {
namespace {

// The columns after WORKER: " %-10s %5s %5s %8s %6s %9s %9s".
constexpr std::size_t kAfterWorker = 1 + 10 + 1 + 5 + 1 + 5 + 1 + 8 + 1 + 6 + 1 + 9 + 1 + 9;
constexpr std::size_t kMinWorkerWidth = 12;

std::string worker_cell(const WorkerSummary& w) {
  return w.process.empty() ? w.name : w.name + " (" + w.process + ")";
}

std::string state_text(const WorkerSummary& w) {
  return w.state == "silent" ? "silent " + short_age(w.heard_ms_ago) : w.state;
}

std::string state_in_colour(const WorkerSummary& w, const TerminalStyle& style) {
  auto cell = state_text(w);
  if (cell.size() < 10) cell.append(10 - cell.size(), ' ');
  if (w.state == "busy") return coloured(cell, Colour::kGreen, style);
  if (w.state == "silent") return coloured(cell, Colour::kRed, style);
  if (w.state == "paused" || w.state == "draining") return coloured(cell, Colour::kYellow, style);
  return cell;
}

std::string printed(const char* format, auto... values) {
  char line[256];
  std::snprintf(line, sizeof line, format, values...);
  return line;
}

unsigned long long ull(std::uint64_t value) { return static_cast<unsigned long long>(value); }

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// What a worker takes, when it narrows it: "  types echo; queues critical, default"; empty when
// it takes any type from every queue.
std::string routing_line(const WorkerSummary& w) {
  std::string line;
  if (!w.types.empty()) line += "types " + joined(w.types);
  if (!w.queues.empty()) line += (line.empty() ? "" : "; ") + ("queues " + joined(w.queues));
  return line.empty() ? line : "  " + line;
}

}  // namespace

std::string worker_table(const std::vector<WorkerSummary>& workers, const TerminalStyle& style) {
  // WORKER as wide as its longest value; on a terminal, no wider than what the rest leaves.
  std::size_t width = 6;
  for (const auto& w : workers) width = std::max(width, worker_cell(w).size());
  if (style.width) {
    const auto room = *style.width > kAfterWorker ? *style.width - kAfterWorker : 0;
    width = std::min(width, std::max(room, kMinWorkerWidth));
  }
  const auto w_width = static_cast<int>(width);
  std::string table = printed("%-*s %-10s %5s %5s %8s %6s %9s %9s\n", w_width, "WORKER", "STATE",
                              "SLOTS", "HELD", "SENT", "CREDIT", "HEARD", "CONNECTED");
  for (const auto& w : workers) {
    table += printed("%-*s ", w_width, one_line(worker_cell(w), width).c_str());
    table += state_in_colour(w, style);
    table += printed(" %5llu %5llu %8llu %6llu %9s %9s\n", ull(w.slots), ull(w.held), ull(w.sent),
                     ull(w.credit), (short_age(w.heard_ms_ago) + " ago").c_str(),
                     (short_age(w.connected_ms_ago) + " ago").c_str());
    if (const auto routing = routing_line(w); !routing.empty()) {
      table += (style.width ? one_line(routing, *style.width) : routing) + "\n";
    }
  }
  return table;
}

std::string workers_total(const std::vector<WorkerSummary>& workers) {
  std::uint64_t slots = 0, held = 0, silent = 0;
  for (const auto& w : workers) {
    slots += w.slots;
    held += w.held;
    silent += w.state == "silent" ? 1 : 0;
  }
  auto total = count_noun(workers.size(), "worker") + ", " + count_noun(slots, "slot") + ", " +
               count_noun(held, "job") + " held";
  if (silent > 0) total += ", " + std::to_string(silent) + " silent";
  return total;
}

}  // namespace zpipe
