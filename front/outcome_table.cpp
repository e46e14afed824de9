#include "front/outcome_table.hpp"

#include <algorithm>
#include <cstdio>

#include "common/job.hpp"
#include "common/utf8.hpp"
#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMinDetailWidth = 20;  // below this an error says nothing useful

// Room left for the last column after `used` columns; no limit without a known width.
std::size_t rest_of(const TerminalStyle& style, std::size_t used) {
  if (!style.width) return std::string::npos;
  return std::max(kMinDetailWidth, *style.width > used ? *style.width - used : 0);
}

std::string printed(const char* format, auto... values) {
  char line[512];
  std::snprintf(line, sizeof line, format, values...);
  return line;
}

}  // namespace

std::string one_line(std::string text, std::size_t width) {
  for (auto& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  // Where each character starts; a byte that starts no valid character counts as one.
  std::vector<std::size_t> starts;
  for (std::size_t at = 0; at < text.size() && starts.size() <= width;) {
    starts.push_back(at);
    at += std::max<std::size_t>(1, utf8_char_length(std::string_view(text).substr(at)));
  }
  if (starts.size() <= width) return text;
  if (width < 3) return text.substr(0, starts[width]);
  return text.substr(0, starts[width - 3]) + "...";
}

std::string outcome_error_text(const Outcome& outcome) {
  switch (outcome.status) {
    case OutcomeStatus::kSucceeded:
      return "";
    case OutcomeStatus::kFailed:
      return outcome.error_code + ": " + outcome.error;
    case OutcomeStatus::kCancelled:
      // The ventilator and the worker say who: "cancelled by alice@web1".
      return outcome.error.empty() ? "cancelled" : outcome.error;
  }
  return outcome.error;
}

std::string state_cell(std::string_view state, std::size_t width, const TerminalStyle& style) {
  std::string cell(state);
  if (cell.size() < width) cell.append(width - cell.size(), ' ');
  if (state == "succeeded") return coloured(cell, Colour::kGreen, style);
  if (state == "failed" || state == "dead") return coloured(cell, Colour::kRed, style);
  if (state == "retrying" || state == "pending" || state == "scheduled") {
    return coloured(cell, Colour::kYellow, style);
  }
  return cell;
}

std::string outcome_table(const std::vector<StoredOutcome>& rows, const TerminalStyle& style,
                          std::int64_t now_ms) {
  // ID, TYPE and QUEUE as wide as their longest value (TYPE and QUEUE at most 16): the rest is
  // for the error. QUEUE only when it says something: most pipelines use the default one alone.
  std::size_t id_width = 2, type_width = 4, queue_width = 0;
  for (const auto& row : rows) {
    const auto& o = row.outcome;
    id_width = std::max(id_width, o.id.size());
    type_width = std::clamp(o.type.size(), type_width, std::size_t{16});
    if (!o.queue.empty() && o.queue != kDefaultQueue) queue_width = 7;  // "default"
  }
  if (queue_width > 0) {
    for (const auto& row : rows) {
      queue_width = std::clamp(row.outcome.queue.size(), queue_width, std::size_t{16});
    }
  }
  const int id_w = static_cast<int>(id_width), type_w = static_cast<int>(type_width);
  const int queue_w = static_cast<int>(queue_width);
  // "ID TYPE [QUEUE ]STATUS(9) TRY(3) MS(6) FINISHED(8)  ": the columns before RESULT / ERROR.
  const std::size_t prefix = id_width + 1 + type_width + 1 + (queue_width ? queue_width + 1 : 0) +
                             9 + 1 + 3 + 1 + 6 + 1 + 8 + 2;
  const auto detail_width = rest_of(style, prefix);
  std::string table = printed("%-*s %-*s ", id_w, "ID", type_w, "TYPE");
  if (queue_width) table += printed("%-*s ", queue_w, "QUEUE");
  table += printed("%-9s %3s %6s %-8s  %s\n", "STATUS", "TRY", "MS", "FINISHED", "RESULT / ERROR");
  for (const auto& row : rows) {
    const auto& o = row.outcome;
    const auto detail = o.succeeded() ? o.result.to_json_text() : outcome_error_text(o);
    // "-": it never started (cancelled before it ran).
    const auto ran_ms = o.started_ms == 0
                            ? std::string("-")
                            : std::to_string(o.finished_ms - std::min(o.finished_ms, o.started_ms));
    table += printed("%-*s %-*s ", id_w, one_line(o.id, id_width).c_str(), type_w,
                     one_line(o.type, type_width).c_str());
    if (queue_width) {
      const auto queue = o.queue.empty() ? std::string(kDefaultQueue) : o.queue;
      table += printed("%-*s ", queue_w, one_line(queue, queue_width).c_str());
    }
    table += state_cell(to_string(o.status), 9, style);
    table += printed(" %3u %6s %-8s  ", o.attempt, ran_ms.c_str(),
                     relative_time(static_cast<std::int64_t>(o.finished_ms), now_ms).c_str());
    table += one_line(detail, detail_width) + "\n";
  }
  return table;
}

std::string attempts_table(const std::vector<Outcome>& attempts, const TerminalStyle& style,
                           std::int64_t now_ms) {
  // The KEY column only when some attempt came over CURVE: in the clear it is always empty.
  const bool keyed = std::any_of(attempts.begin(), attempts.end(),
                                 [](const Outcome& a) { return !a.key.empty(); });
  // "  %3s %-9s %9s %9s %9s  %-16s %-13s%-9s  ": the columns before ERROR.
  const std::size_t prefix =
      2 + 3 + 1 + 9 + 1 + 9 + 1 + 9 + 1 + 9 + 2 + 16 + 1 + (keyed ? 13 : 0) + 9 + 2;
  const auto error_width = rest_of(style, prefix);
  std::string table = "attempts\n";
  table +=
      printed("  %3s %-9s %9s %9s %9s  %-16s %s%-9s  %s\n", "TRY", "STATUS", "RUN MS", "CPU MS",
              "PEAK MiB", "WORKER", keyed ? "KEY          " : "", "FINISHED", "ERROR");
  for (const auto& a : attempts) {
    const bool measured = a.cpu_us != 0 || a.max_rss_kb != 0;
    table += printed("  %3u ", a.attempt);
    table += state_cell(to_string(a.status), 9, style);
    table += printed(" %9.1f %9s %9s  %-16s %-*s%-9s  ", static_cast<double>(a.run_us) / 1000,
                     measured ? std::to_string(a.cpu_us / 1000).c_str() : "-",
                     measured ? std::to_string(a.max_rss_kb / 1024).c_str() : "-",
                     one_line(a.worker, 16).c_str(), keyed ? 13 : 0, one_line(a.key, 12).c_str(),
                     relative_time(static_cast<std::int64_t>(a.finished_ms), now_ms).c_str());
    table += one_line(outcome_error_text(a), error_width);
    // No trailing spaces on a line without an error.
    while (!table.empty() && table.back() == ' ') table.pop_back();
    table += "\n";
  }
  return table;
}

std::string children_table(const std::vector<JobChild>& children, const TerminalStyle& style) {
  std::size_t id_width = 2, type_width = 4;
  for (const auto& child : children) {
    id_width = std::max(id_width, child.id.size());
    type_width = std::clamp(child.type.size(), type_width, std::size_t{16});
  }
  const auto padded = [](std::string text, std::size_t width) {
    text.resize(std::max(text.size(), width), ' ');
    return text;
  };
  std::string table =
      "children\n  " + padded("ID", id_width) + " " + padded("TYPE", type_width) + " STATE\n";
  for (const auto& child : children) {
    table += "  " + padded(child.id, id_width) + " " +
             padded(one_line(child.type, type_width), type_width) + " " +
             state_cell(child.state, 0, style) + "\n";
  }
  return table;
}

}  // namespace zpipe
