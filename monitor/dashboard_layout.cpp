#include "monitor/dashboard_layout.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace zpipe {
namespace {

// Columns of a UTF-8 string whose characters are all one column wide.
std::size_t columns_of(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Cuts to `width` columns without splitting a UTF-8 character.
std::string clip(const std::string& text, int width) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (columns == static_cast<std::size_t>(std::max(0, width))) return text.substr(0, i);
      ++columns;
    }
  }
  return text;
}

std::string pad(std::string text, std::size_t width) {
  const auto n = columns_of(text);
  if (n < width) text.append(width - n, ' ');
  return text;
}

std::string clock_text(std::uint64_t ms) {
  const auto seconds = static_cast<time_t>(ms / 1000);
  struct tm local {};
  localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  if (seconds < 10) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else {
    return format_duration(std::chrono::seconds(static_cast<long>(seconds)));
  }
  return text;
}

std::string rate_text(double per_second) {
  char text[32];
  std::snprintf(text, sizeof text, per_second < 10 ? "%.1f/s" : "%.0f/s", per_second);
  return text;
}

// Control characters (newlines, tabs, escapes in an error text) would move the cursor and spill
// into other rows: each becomes a space.
std::string printable(std::string text) {
  for (auto& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return text;
}

void add(std::vector<ScreenLine>& lines, const std::string& text, LineStyle style, int width) {
  lines.push_back(ScreenLine{clip(printable(text), width), style});
}

// One count of the totals line: its label, a shorter one for a narrow screen, its value.
struct TotalsItem {
  const char* label;
  const char* short_label;
  std::uint64_t value;
};

std::string join_items(const std::vector<TotalsItem>& items, std::size_t count, bool short_labels) {
  std::string line;
  for (std::size_t i = 0; i < count; ++i) {
    if (!line.empty()) line += "  ";
    line += std::string(short_labels ? items[i].short_label : items[i].label) + " " +
            std::to_string(items[i].value);
  }
  return line;
}

// The counts in order of what a glance needs first (jobs done, dead, under way, waiting), then
// the retry detail. A line too wide for the screen takes the short labels (as the worker table's
// DONE and FAIL), then leaves out whole counts from the end: never half a word or a number.
std::string totals_line(const PipelineTotals& t, int width) {
  const std::vector<TotalsItem> items = {{"accepted", "acc", t.accepted},
                                         {"succeeded", "done", t.succeeded},
                                         {"dead", "dead", t.dead},
                                         {"in flight", "in flight", t.in_flight},
                                         {"backlog", "backlog", t.pending},
                                         {"retrying", "retry", t.retrying},
                                         {"failed attempts", "fail", t.failed}};
  const auto room = static_cast<std::size_t>(std::max(0, width));
  for (const bool short_labels : {false, true}) {
    const auto line = join_items(items, items.size(), short_labels);
    if (columns_of(line) <= room) return line;
  }
  for (auto count = items.size() - 1; count > 0; --count) {
    const auto line = join_items(items, count, true);
    if (columns_of(line) <= room) return line;
  }
  return "";
}

// Whether the counts say some job has finished (before this monitor started, perhaps).
bool any_job_finished(const PipelineView& view) {
  const auto& t = view.totals();
  if (t.succeeded + t.dead + t.failed > 0) return true;
  const auto workers = view.workers();
  return std::any_of(workers.begin(), workers.end(),
                     [](const WorkerView& w) { return w.succeeded + w.failed > 0; });
}

std::string advice_line(const PipelineView& view, double target_minutes) {
  const auto advice = view.advice(target_minutes);
  if (!advice) {
    // The run time is measured from the job events this monitor sees: one started late has
    // counts but no time yet.
    return any_job_finished(view)
               ? "workers: advice once a job finishes while this monitor watches (it times them)"
               : "workers: no job has finished yet to measure";
  }
  char job_ms[32];
  std::snprintf(job_ms, sizeof job_ms, "%.1f ms/job", advice->job_ms);
  if (advice->backlog == 0) {
    return "workers: no backlog; " + std::to_string(advice->workers_running) + " running at " +
           job_ms;
  }
  char target[32];
  std::snprintf(target, sizeof target, "%g min", target_minutes);
  return "workers: the " + std::to_string(advice->backlog) + " jobs left need " +
         std::to_string(advice->workers_needed) + " to finish in " + target + " at " + job_ms +
         "; " + std::to_string(advice->workers_running) + " running";
}

std::string worker_row(const WorkerView& w, PipelineView::Clock::time_point now) {
  std::string job = w.job.empty() ? "-" : w.job + " " + w.job_type;
  std::string age = "-";
  if (!w.job.empty()) {
    // As of its last heartbeat (SEEN says how long ago): adding the time since would make
    // every short job look a second old.
    age = seconds_text(static_cast<double>(w.job_age_ms) / 1000.0);
  }
  const auto seen = std::chrono::duration<double>(now - w.last_seen).count();
  char row[256];
  std::snprintf(row, sizeof row, "%-16s %-8s %-22s %6s %6llu %5llu %3d%% %5s",
                w.name.substr(0, 16).c_str(), w.state.c_str(), job.substr(0, 22).c_str(),
                age.c_str(), static_cast<unsigned long long>(w.succeeded),
                static_cast<unsigned long long>(w.failed), w.busy_pct,
                seconds_text(std::max(0.0, seen)).c_str());
  return row;
}

// "12", or "showing 100 of 523" once more have arrived than are kept.
std::string failure_count(const PipelineView& view) {
  const auto kept = view.failures().size();
  const auto seen = std::max<std::uint64_t>(view.failures_seen(), kept);
  if (seen == kept) return std::to_string(kept);
  return "showing " + std::to_string(kept) + " of " + std::to_string(seen);
}

std::string failure_row(const FailureView& f) {
  return clock_text(f.time_ms) + " " + f.job + " " + f.type + " " + f.code + ": " + f.error + " (" +
         f.worker + ")";
}

}  // namespace

std::string format_duration(std::chrono::seconds duration) {
  const auto total = std::max<long>(0, static_cast<long>(duration.count()));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  }
  return text;
}

std::string sparkline(const std::deque<double>& values, int columns, bool unicode) {
  static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = "_.-:=+*#";
  if (columns <= 0) return "";
  const auto count = std::min(values.size(), static_cast<std::size_t>(columns));
  const auto first = values.end() - static_cast<long>(count);
  const double top = count == 0 ? 0 : *std::max_element(first, values.end());
  std::string line;
  for (auto it = first; it != values.end(); ++it) {
    const int level = top <= 0 ? 0 : static_cast<int>(std::lround(*it / top * 7));
    if (unicode) {
      line += kBlocks[std::clamp(level, 0, 7)];
    } else {
      line += kAscii[std::clamp(level, 0, 7)];
    }
  }
  return line;
}

std::vector<ScreenLine> layout_dashboard(const PipelineView& view, const DashboardState& state,
                                         int width, int height, PipelineView::Clock::time_point now,
                                         std::uint64_t wall_ms) {
  std::vector<ScreenLine> lines;
  const std::string keys =
      state.failures_only ? "q quit  p pause  f back" : "q quit  p pause  f failures";
  const std::string title = "zpipe top  " + state.endpoint + "  " + clock_text(wall_ms) +
                            (state.paused ? "  PAUSED" : "");
  const auto room = static_cast<std::size_t>(std::max(0, width));
  const bool keys_fit = columns_of(title) + 2 + keys.size() <= room;
  add(lines, keys_fit ? pad(title, room - keys.size()) + keys : title, LineStyle::kTitle, width);

  const auto& totals = view.totals();
  if (!totals.known) {
    add(lines, "waiting for the ventilator's state from " + state.endpoint + " ...",
        LineStyle::kDim, width);
  } else {
    add(lines, totals_line(totals, width), LineStyle::kNormal, width);
  }
  const auto eta = view.eta();
  std::string rate = "throughput " + rate_text(view.throughput()) + "  ETA " +
                     (eta ? format_duration(*eta) : std::string("-")) + "  ";
  const int spark_columns = width - static_cast<int>(columns_of(rate));
  add(lines, rate + sparkline(view.throughput_history(), spark_columns, state.unicode),
      LineStyle::kGood, width);
  add(lines, advice_line(view, state.target_minutes), LineStyle::kNormal, width);
  for (const auto& alert : view.alerts(now)) add(lines, "! " + alert, LineStyle::kBad, width);
  add(lines, "", LineStyle::kNormal, width);

  const auto workers = view.workers();
  const auto& failures = view.failures();
  const int body = std::max(0, height - static_cast<int>(lines.size()) - 1);  // last line: status
  if (state.failures_only) {
    add(lines, "FAILURES (" + failure_count(view) + ", newest first)", LineStyle::kHeading, width);
    const auto first =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(0, state.scroll)), failures.size());
    for (auto i = first; i < failures.size() && static_cast<int>(lines.size()) < height - 1; ++i) {
      add(lines, failure_row(failures[i]), LineStyle::kBad, width);
    }
  } else {
    // Workers above, recent failures below, each at least a few rows when both are shown.
    const int failure_rows =
        failures.empty() ? 0
                         : std::min<int>(static_cast<int>(failures.size()), std::max(3, body / 3));
    const int worker_rows = std::max(0, body - 1 - (failure_rows > 0 ? failure_rows + 1 : 0));
    char heading[160];
    std::snprintf(heading, sizeof heading, "%-16s %-8s %-22s %6s %6s %5s %4s %5s",
                  ("WORKERS (" + std::to_string(workers.size()) + ")").c_str(), "STATE", "JOB",
                  "FOR", "DONE", "FAIL", "BUSY", "SEEN");
    add(lines, heading, LineStyle::kHeading, width);
    const auto first =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(0, state.scroll)), workers.size());
    for (auto i = first; i < workers.size() && i < first + static_cast<std::size_t>(worker_rows);
         ++i) {
      add(lines, worker_row(workers[i], now),
          workers[i].is_gone() ? LineStyle::kBad : LineStyle::kNormal, width);
    }
    if (failure_rows > 0) {
      add(lines, "RECENT FAILURES (" + failure_count(view) + ")", LineStyle::kHeading, width);
      for (int i = 0; i < failure_rows; ++i) {
        add(lines, failure_row(failures[static_cast<std::size_t>(i)]), LineStyle::kBad, width);
      }
    }
  }
  while (static_cast<int>(lines.size()) < height - 1) add(lines, "", LineStyle::kNormal, width);
  std::string status = "events " + std::to_string(view.events_seen());
  if (view.missed_events() > 0) status += ", missed " + std::to_string(view.missed_events());
  if (state.malformed_events > 0) {
    status += ", " + std::to_string(state.malformed_events) + " malformed ignored";
  }
  if (const auto last = view.last_event(); last && now - *last > std::chrono::seconds(3)) {
    status += "; no events for " + seconds_text(std::chrono::duration<double>(now - *last).count());
  }
  add(lines, status,
      view.missed_events() + state.malformed_events > 0 ? LineStyle::kBad : LineStyle::kDim, width);
  if (static_cast<int>(lines.size()) > height)
    lines.resize(static_cast<std::size_t>(std::max(0, height)));
  return lines;
}

}  // namespace zpipe
