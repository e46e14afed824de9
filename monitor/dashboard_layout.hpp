// The dashboard's text: what `zpipe-monitor top` shows, laid out for a screen of a given size
// as plain lines with a style each. Kept apart from ncurses so that it can be tested as text.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/batch_requests.hpp"
#include "monitor/pipeline_view.hpp"

namespace zpipe {

// kWarn: wants a look, not wrong (a paused queue).
enum class LineStyle { kNormal, kTitle, kHeading, kGood, kBad, kWarn, kDim };

struct ScreenLine {
  std::string text;  // UTF-8, at most `width` columns
  LineStyle style = LineStyle::kNormal;
};

struct DashboardState {
  std::string endpoint;             // where events come from, for the title
  std::string ventilator_endpoint;  // asked for its queues
  double target_minutes = 10;       // for the worker advice
  bool paused = false;
  bool failures_only = false;          // the 'f' view
  int scroll = 0;                      // first worker (or failure) row shown
  bool unicode = true;                 // block characters for the sparkline
  std::uint64_t malformed_events = 0;  // received but not readable as events
};

// Lays out the dashboard for `width` x `height` (80x24 and up; smaller screens get what fits).
// `now` is the view's clock; `wall_ms` the time of day shown and used for job ages.
std::vector<ScreenLine> layout_dashboard(const PipelineView& view, const DashboardState& state,
                                         int width, int height, PipelineView::Clock::time_point now,
                                         std::uint64_t wall_ms);

// How long a finished batch stays in the batches panel, marked done.
inline constexpr std::chrono::minutes kFinishedBatchShownFor{1};

// The batches panel, in at most `rows` lines: the batches not finished and those finished within
// kFinishedBatchShownFor of `wall_ms`, in the order given (newest first), each with its id,
// description (cut), a progress bar, jobs ended/total, dead jobs and state (open: jobs may still
// join; sealed; done). When not all fit, finished ones give way first and the rest are counted on
// the last line; when that leaves none (rows < 3 and more than one batch), one summary line. No
// lines when there is no batch to show.
std::vector<ScreenLine> batch_panel(const std::vector<BatchSummary>& batches, std::uint64_t wall_ms,
                                    int width, int rows, bool unicode);

// "▁▂▄█" (or " .:#" without unicode) for the last `columns` values, scaled to their maximum.
std::string sparkline(const std::deque<double>& values, int columns, bool unicode);
// 75 -> "1:15", 4000 -> "1:06:40".
std::string format_duration(std::chrono::seconds duration);

}  // namespace zpipe
