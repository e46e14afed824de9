#include "monitor/dashboard_layout.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "common/short_age.hpp"
#include "common/types_without_workers_text.hpp"

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

// `text` in at most `width` columns: cut with "..." at the end when longer.
std::string shortened(const std::string& text, std::size_t width) {
  if (columns_of(text) <= width) return text;
  if (width <= 3) return clip(text, static_cast<int>(width));
  return clip(text, static_cast<int>(width - 3)) + "...";
}

// Items joined by `separator` while they fit in `room` columns, whole or not at all; those left
// out are counted at the end ("+3 more"), within the room too.
std::string fitting_items(const std::vector<std::string>& items, const std::string& separator,
                          std::size_t room) {
  std::string line;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto with = line + (line.empty() ? "" : separator) + items[i];
    const auto left = items.size() - i - 1;
    const auto note = left == 0 ? std::string() : separator + "+" + std::to_string(left) + " more";
    if (columns_of(with + note) <= room) {
      line = with;
      continue;
    }
    // This one does not fit with what follows counted: count it with them.
    const auto more = std::to_string(items.size() - i);
    return line + (line.empty() ? "+" : separator + "+") + more + " more";
  }
  return line;
}

// "12 jobs of type word_count wait: no connected worker handles word_count" (as `zpipe status`
// says it), a line for each of the first two types, then one line that names the rest.
std::vector<std::string> unserved_type_lines(const QueuesView& queues, std::size_t room) {
  const auto& types = queues.types_without_workers;
  std::vector<std::string> lines;
  const std::size_t each = types.size() <= 2 ? types.size() : 1;
  for (std::size_t i = 0; i < each; ++i) {
    auto line = types_without_workers_text({types[i]}, queues.waiting_types);
    line.pop_back();  // its '\n'
    lines.push_back("! " + line);
  }
  if (each < types.size()) {
    const std::vector<std::string> rest(types.begin() + static_cast<long>(each), types.end());
    const std::string head =
        "! " + std::to_string(rest.size()) + " more types wait for a worker too: ";
    lines.push_back(
        head + fitting_items(rest, ", ", room > columns_of(head) ? room - columns_of(head) : 0));
  }
  return lines;
}

// What the LIMITS column says of a queue: the value of each "queue:NAME=..." limit.
std::string queue_limits(const QueuesReply& reply, const std::string& queue) {
  const auto prefix = "queue:" + queue + "=";
  std::string text;
  for (const auto& limit : reply.limits) {
    if (limit.limit.rfind(prefix, 0) != 0) continue;
    text += (text.empty() ? "" : ", ") + limit.limit.substr(prefix.size());
  }
  return text;
}

// The limits not shown beside a queue in `beside` (those of job types, of queues that hold no job
// now or are not on screen): "api=10/s (1 running, 4 waiting)", or "api=10/s" when it holds
// nothing.
std::vector<std::string> other_limits(const QueuesReply& reply,
                                      const std::vector<const QueueSummary*>& beside) {
  std::vector<std::string> items;
  for (const auto& limit : reply.limits) {
    const bool beside_its_queue = std::any_of(beside.begin(), beside.end(), [&](const auto* q) {
      return limit.limit.rfind("queue:" + q->name + "=", 0) == 0;
    });
    if (beside_its_queue) continue;
    // What it holds back, when it holds anything.
    const bool idle = limit.running == 0 && limit.waiting == 0;
    items.push_back(idle ? limit.limit
                         : limit.limit + " (" + std::to_string(limit.running) + " running, " +
                               std::to_string(limit.waiting) + " waiting)");
  }
  return items;
}

// The queues to show when `rows` cannot hold them all: the paused ones first, then those with
// the most jobs waiting, running, scheduled; shown in the reply's order (by name).
std::vector<const QueueSummary*> queues_to_show(const std::vector<QueueSummary>& queues,
                                                std::size_t rows) {
  std::vector<const QueueSummary*> shown;
  for (const auto& q : queues) shown.push_back(&q);
  if (shown.size() <= rows) return shown;
  auto weight = [](const QueueSummary* q) {
    return std::tuple(q->paused, q->pending, q->running, q->scheduled);
  };
  std::stable_sort(shown.begin(), shown.end(), [&](const QueueSummary* a, const QueueSummary* b) {
    return weight(a) > weight(b);
  });
  shown.resize(rows);
  std::sort(shown.begin(), shown.end());  // pointers into `queues`: its order
  return shown;
}

// "2 more queues: 340 pending, 1 paused".
std::string more_queues_line(const std::vector<QueueSummary>& queues,
                             const std::vector<const QueueSummary*>& shown) {
  std::uint64_t pending = 0, running = 0, paused = 0;
  for (const auto& q : queues) {
    if (std::find(shown.begin(), shown.end(), &q) != shown.end()) continue;
    pending += q.pending;
    running += q.running;
    paused += q.paused ? 1 : 0;
  }
  std::string line = std::to_string(queues.size() - shown.size()) +
                     " more queues: " + std::to_string(pending) + " pending, " +
                     std::to_string(running) + " running";
  if (paused > 0) line += ", " + std::to_string(paused) + " paused";
  return line + " (zpipe queues lists them all)";
}

// The panel of the queues, in at most `rows` lines (at least 1): a heading, a line per queue
// (pending, running, scheduled, latency, paused, its limits), the limits of types, and what is
// wrong with the answers (none yet, none for a while). Fewer than 4 rows: one summary line.
void add_queue_panel(std::vector<ScreenLine>& lines, const PipelineView& view,
                     const DashboardState& state, int width, int rows,
                     PipelineView::Clock::time_point now) {
  const auto& queues = view.queues();
  const auto silent_for = queues.unanswered_since
                              ? std::chrono::duration<double>(now - *queues.unanswered_since)
                              : std::chrono::duration<double>(0);
  const bool silent = silent_for > std::chrono::seconds(3);
  if (!queues.reply) {
    if (silent) {
      add(lines,
          "QUEUES: no answer from the ventilator at " + state.ventilator_endpoint +
              " (--ventilator)",
          LineStyle::kBad, width);
    } else {
      add(lines, "QUEUES: asking the ventilator at " + state.ventilator_endpoint + " ...",
          LineStyle::kDim, width);
    }
    return;
  }
  const auto& reply = *queues.reply;
  const auto& all = reply.queues;
  const auto room = static_cast<std::size_t>(std::max(0, width));
  std::uint64_t pending = 0, running = 0, paused = 0;
  for (const auto& q : all) {
    pending += q.pending;
    running += q.running;
    paused += q.paused ? 1 : 0;
  }
  if (all.empty() || rows < 4) {
    // What a glance needs first: a paused queue, then the counts.
    std::string line = "QUEUES (" + std::to_string(all.size()) + "): ";
    if (paused > 0) line += std::to_string(paused) + " paused, ";
    line += std::to_string(pending) + " pending, " + std::to_string(running) + " running";
    if (all.empty()) line = "QUEUES: no job waits or runs in any queue";
    if (silent) {
      line += "; no answer for " +
              short_age(static_cast<std::uint64_t>(silent_for.count() * 1000)) + ", as they were";
    }
    add(lines, line,
        silent       ? LineStyle::kBad
        : paused > 0 ? LineStyle::kWarn
                     : LineStyle::kDim,
        width);
    const auto limits = other_limits(reply, {});
    if (!limits.empty() && rows >= 2) {
      add(lines, "limits: " + fitting_items(limits, "  ", room > 8 ? room - 8 : 0),
          LineStyle::kNormal, width);
    }
    return;
  }
  // Name, then the counts, then LIMITS in what is left: a queue's own limits, when the column
  // has room for them (else they join the other limits below).
  constexpr std::size_t kCountsWidth = 1 + 7 + 1 + 7 + 1 + 9 + 1 + 7 + 2 + 6;
  constexpr std::size_t kMinLimitsWidth = 10;
  // At least as wide as the WORKERS column below it, so that the two tables line up.
  std::size_t name_width = 16;
  for (const auto& q : all) name_width = std::max(name_width, columns_of(q.name));
  // Long names give way to the LIMITS column on a narrow screen.
  name_width = std::min<std::size_t>(name_width, room >= 120 ? 40 : room >= 100 ? 24 : 16);
  if (name_width + kCountsWidth > room) {
    name_width = room > kCountsWidth + 6 ? room - kCountsWidth : 6;
  }
  const auto used = name_width + kCountsWidth + 2;
  const auto limits_room = room >= used + kMinLimitsWidth ? room - used : 0;
  auto row = [&](const std::string& name, const std::string& pending_text,
                 const std::string& running_text, const std::string& scheduled_text,
                 const std::string& latency, const std::string& paused_text,
                 const std::string& limits) {
    char text[512];
    std::snprintf(text, sizeof text, "%s %7s %7s %9s %7s  %-6s", pad(name, name_width).c_str(),
                  pending_text.c_str(), running_text.c_str(), scheduled_text.c_str(),
                  latency.c_str(), paused_text.c_str());
    std::string line = text;
    if (!limits.empty() && limits_room > 0) line += "  " + shortened(limits, limits_room);
    // No blanks at the end of a line.
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
  };
  // Rows for the queues: what is left after the heading, the staleness line and the limits line.
  const int left = rows - 1 - (silent ? 1 : 0) - (reply.limits.empty() ? 0 : 1);
  const auto fit = static_cast<std::size_t>(std::max(1, left));
  const auto shown = queues_to_show(all, all.size() <= fit ? fit : fit - 1);
  bool any_limit = false;
  for (const auto* q : shown) any_limit = any_limit || !queue_limits(reply, q->name).empty();
  const auto heading = "QUEUES (" + std::to_string(all.size()) + ")";
  add(lines,
      row(shortened(heading, name_width), "PENDING", "RUNNING", "SCHEDULED", "LATENCY", "PAUSED",
          any_limit && limits_room > 0 ? "LIMITS" : ""),
      LineStyle::kHeading, width);
  if (silent) {
    add(lines,
        "! no answer from " + state.ventilator_endpoint + " for " +
            short_age(static_cast<std::uint64_t>(silent_for.count() * 1000)) +
            ": the queues as they were",
        LineStyle::kBad, width);
  }
  for (const auto* q : shown) {
    // As `zpipe queues` writes it: "3.2s", "12s", "4m".
    const auto latency = q->latency_ms == 0 ? std::string("-") : short_age(q->latency_ms);
    add(lines,
        row(shortened(q->name, name_width), std::to_string(q->pending), std::to_string(q->running),
            std::to_string(q->scheduled), latency, q->paused ? "paused" : "",
            queue_limits(reply, q->name)),
        q->paused ? LineStyle::kWarn : LineStyle::kNormal, width);
  }
  if (shown.size() < all.size()) add(lines, more_queues_line(all, shown), LineStyle::kDim, width);
  const auto limits =
      other_limits(reply, limits_room > 0 ? shown : std::vector<const QueueSummary*>{});
  if (!limits.empty()) {
    const std::string label = any_limit && limits_room > 0 ? "other limits: " : "limits: ";
    add(lines, label + fitting_items(limits, "  ", room > label.size() ? room - label.size() : 0),
        LineStyle::kNormal, width);
  }
}

// The batches the panel shows: not finished, or finished within kFinishedBatchShownFor (a
// ventilator's clock ahead of ours counts as just now).
std::vector<const BatchSummary*> recent_batches(const std::vector<BatchSummary>& batches,
                                                std::uint64_t wall_ms) {
  constexpr auto kShownMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(kFinishedBatchShownFor).count();
  std::vector<const BatchSummary*> recent;
  for (const auto& b : batches) {
    if (b.finished_ms == 0 || b.finished_ms + static_cast<std::uint64_t>(kShownMs) > wall_ms) {
      recent.push_back(&b);
    }
  }
  return recent;
}

std::uint64_t ended(const BatchSummary& b) { return b.succeeded + b.dead + b.cancelled; }

std::string fraction(const BatchSummary& b) {
  return std::to_string(ended(b)) + "/" + std::to_string(b.total);
}

// "████░░░░" (or "####....") for `done` of `total` in `columns`; full only when all are done.
std::string progress_bar(std::uint64_t done, std::uint64_t total, std::size_t columns,
                         bool unicode) {
  const auto filled =
      total == 0 ? 0 : static_cast<std::size_t>(std::min(done, total) * columns / total);
  std::string bar;
  for (std::size_t i = 0; i < columns; ++i) {
    bar += i < filled ? (unicode ? "█" : "#") : (unicode ? "░" : ".");
  }
  return bar;
}

LineStyle batch_style(const BatchSummary& b) {
  if (b.dead > 0) return LineStyle::kWarn;
  return b.finished_ms != 0 && b.cancelled == 0 ? LineStyle::kGood : LineStyle::kNormal;
}

// "1 done, 420/900 jobs ended, 2 dead": of `batches` together.
std::string batch_counts(const std::vector<const BatchSummary*>& batches) {
  std::uint64_t done = 0, jobs_ended = 0, total = 0, dead = 0;
  for (const auto* b : batches) {
    done += b->finished_ms != 0 ? 1 : 0;
    jobs_ended += ended(*b);
    total += b->total;
    dead += b->dead;
  }
  std::string line = done > 0 ? std::to_string(done) + " done, " : "";
  line += std::to_string(jobs_ended) + "/" + std::to_string(total) + " jobs ended";
  if (dead > 0) line += ", " + std::to_string(dead) + " dead";
  return line;
}

}  // namespace

std::vector<ScreenLine> batch_panel(const std::vector<BatchSummary>& batches, std::uint64_t wall_ms,
                                    int width, int rows, bool unicode) {
  std::vector<ScreenLine> lines;
  const auto recent = recent_batches(batches, wall_ms);
  if (recent.empty() || rows < 1) return lines;
  std::uint64_t dead = 0;
  for (const auto* b : recent) dead += b->dead;
  if (rows < 2 || (rows == 2 && recent.size() > 1)) {
    add(lines, "BATCHES (" + std::to_string(recent.size()) + "): " + batch_counts(recent),
        dead > 0 ? LineStyle::kWarn : LineStyle::kDim, width);
    return lines;
  }
  // Those not finished first when not all fit, shown in the order given.
  auto shown = recent;
  const auto fit = static_cast<std::size_t>(rows - 1);
  if (shown.size() > fit) {
    std::stable_partition(shown.begin(), shown.end(),
                          [](const BatchSummary* b) { return b->finished_ms == 0; });
    shown.resize(fit - 1);
    std::sort(shown.begin(), shown.end());  // pointers into `batches`: its order
  }
  // ID, DESCRIPTION and PROGRESS share what DONE, DEAD and STATE leave; the description goes
  // first on a narrow screen, the bar next.
  constexpr std::size_t kIdWidth = 16;  // as the WORKERS column below
  std::size_t fraction_width = 4;       // "DONE"
  for (const auto* b : shown) fraction_width = std::max(fraction_width, fraction(*b).size());
  const auto room = static_cast<std::size_t>(std::max(0, width));
  const auto fixed = kIdWidth + 1 + fraction_width + 1 + 5 + 2 + 6;
  const auto left = room > fixed ? room - fixed : 0;
  std::size_t bar_width = 0, description_width = 0;
  if (left >= 2 + 10 + 8) {
    bar_width = std::clamp<std::size_t>(left / 3, 8, 30);
    description_width = left - 2 - bar_width;
  } else if (left >= 1 + 4) {
    bar_width = left - 1;
  }
  auto row = [&](const std::string& id, const std::string& description, const std::string& bar,
                 const std::string& done, const std::string& dead_text, const std::string& state) {
    std::string line = pad(shortened(id, kIdWidth), kIdWidth);
    if (description_width > 0)
      line += " " + pad(shortened(description, description_width), description_width);
    if (bar_width > 0) line += " " + pad(bar, bar_width);
    char counts[64];
    std::snprintf(counts, sizeof counts, " %*s %5s  %s", static_cast<int>(fraction_width),
                  done.c_str(), dead_text.c_str(), state.c_str());
    line += counts;
    line.erase(line.find_last_not_of(' ') + 1);  // no blanks at the end of a line
    return line;
  };
  add(lines,
      row("BATCHES (" + std::to_string(recent.size()) + ")", "DESCRIPTION", "PROGRESS", "DONE",
          "DEAD", "STATE"),
      LineStyle::kHeading, width);
  for (const auto* b : shown) {
    const auto state = b->finished_ms != 0 ? "done" : b->sealed ? "sealed" : "open";
    add(lines,
        row(b->id, printable(b->description), progress_bar(ended(*b), b->total, bar_width, unicode),
            fraction(*b), std::to_string(b->dead), state),
        batch_style(*b), width);
  }
  if (shown.size() < recent.size()) {
    std::vector<const BatchSummary*> rest;
    for (const auto* b : recent) {
      if (std::find(shown.begin(), shown.end(), b) == shown.end()) rest.push_back(b);
    }
    add(lines,
        std::to_string(rest.size()) + " more batches: " + batch_counts(rest) +
            " (zpipe batch list)",
        LineStyle::kDim, width);
  }
  return lines;
}

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
  for (const auto& line : unserved_type_lines(view.queues(), room)) {
    add(lines, line, LineStyle::kBad, width);
  }
  add(lines, "", LineStyle::kNormal, width);

  const auto workers = view.workers();
  const auto& failures = view.failures();
  int body = std::max(0, height - static_cast<int>(lines.size()) - 1);  // last line: status
  if (!state.failures_only && body > 0) {
    // Queues above the workers, one summary line on a small screen, and a blank line after; then
    // the batches, when there are any, likewise. A batch a line, up to a quarter of the screen.
    // Rows the workers and failures below would take, all shown; what they leave, or at least a
    // third of the screen, goes to the queues.
    const auto& batches = view.queues().batches;
    const auto recent = static_cast<int>(recent_batches(batches, wall_ms).size());
    const int batch_rows = recent == 0 ? 0
                           : body < 16 ? 1
                                       : std::min(1 + recent, std::max(3, body / 4));
    const int below =
        1 + static_cast<int>(workers.size()) +
        (failures.empty() ? 0 : 1 + std::min<int>(3, static_cast<int>(failures.size()))) +
        (batch_rows > 0 ? batch_rows + 1 : 0);
    const int queue_rows = body < 10 ? 1 : std::max({4, body / 3, body - 1 - below});
    const auto before = lines.size();
    auto blank_if_room = [&] {
      if (body - static_cast<int>(lines.size() - before) > 1) {
        add(lines, "", LineStyle::kNormal, width);
      }
    };
    add_queue_panel(lines, view, state, width, queue_rows, now);
    blank_if_room();
    if (batch_rows > 0 && body - static_cast<int>(lines.size() - before) > 0) {
      for (auto& line : batch_panel(batches, wall_ms, width, batch_rows, state.unicode)) {
        lines.push_back(std::move(line));
      }
      blank_if_room();
    }
    body -= static_cast<int>(lines.size() - before);
  }
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
