#include "monitor/dashboard_layout.hpp"

#include <algorithm>
#include <iterator>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (const unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

PipelineView busy_view(PipelineView::Clock::time_point t0) {
  PipelineView view;
  std::uint64_t seq = 0;
  for (int s = 0; s < 5; ++s) {
    view.apply(Event{"ventilator.state",
                     "ventilator h:1",
                     ++seq,
                     0,
                     {{"accepted", "5000"},
                      {"pending", std::to_string(4000 - 100 * s)},
                      {"in_flight", "4"},
                      {"succeeded", std::to_string(100 * s)},
                      {"failed", "0"},
                      {"dead", "0"}}},
               t0 + std::chrono::seconds(s));
  }
  for (int w = 0; w < 30; ++w) {
    view.apply(Event{"worker.heartbeat",
                     "worker a-very-long-host-name.example.org:" + std::to_string(w),
                     1,
                     0,
                     {{"state", "busy"},
                      {"slots", "4"},
                      {"job", "mx0abcdefgh-123456"},
                      {"job_type", "thumbnail"}}},
               t0 + 4s);
  }
  view.apply(Event{"job.failed",
                   "worker x:1",
                   1,
                   1'700'000'000'000,
                   {{"job", "j-1"},
                    {"type", "exec"},
                    {"code", "exec_failed"},
                    {"error", std::string(300, 'e')},
                    {"ms", "40"}}},
             t0 + 4s);
  return view;
}

TEST(DashboardLayout, FitsTheScreenAtEverySize) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  const auto view = busy_view(t0);
  for (const auto& [width, height] : {std::pair{80, 24}, {120, 40}, {40, 10}, {200, 60}}) {
    for (const bool failures : {false, true}) {
      DashboardState state;
      state.endpoint = "tcp://127.0.0.1:5575";
      state.failures_only = failures;
      const auto lines = layout_dashboard(view, state, width, height, t0 + 4s, 1'700'000'000'000);
      EXPECT_EQ(lines.size(), static_cast<std::size_t>(height)) << width << "x" << height;
      for (const auto& line : lines) {
        EXPECT_LE(columns(line.text), static_cast<std::size_t>(width)) << line.text;
      }
    }
  }
}

TEST(DashboardLayout, ShowsTotalsRateEtaAdviceWorkersAndFailures) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  const auto view = busy_view(t0);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.target_minutes = 5;
  const auto lines = layout_dashboard(view, state, 120, 40, t0 + 4s, 1'700'000'000'000);
  std::string screen;
  for (const auto& line : lines) screen += line.text + "\n";
  EXPECT_NE(
      screen.find(
          "accepted 5000  succeeded 400  dead 0  in flight 4  backlog 3600  retrying 0  failed "
          "attempts 0"),
      std::string::npos)
      << screen;
  EXPECT_NE(screen.find("throughput 100/s"), std::string::npos) << screen;
  EXPECT_NE(screen.find("ETA 0:37"), std::string::npos) << screen;
  EXPECT_NE(screen.find("the 3604 jobs left need 1 to finish in 5 min at 40.0 ms/job; 30 running"),
            std::string::npos)
      << screen;
  EXPECT_NE(screen.find("WORKERS (30)"), std::string::npos);
  EXPECT_NE(screen.find("exec exec_failed: eeee"), std::string::npos);
}

TEST(DashboardLayout, AFullDiskIsARedLineUnderTheAdvice) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto view = busy_view(t0);
  view.apply(Event{"disk.full",
                   "sink vm:42",
                   1,
                   1'700'000'000'000,
                   {{"what", "cannot record outcomes: the outcome store is full"}}},
             t0 + 4s);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  const auto lines = layout_dashboard(view, state, 120, 40, t0 + 4s, 1'700'000'000'000);
  const auto alert = std::find_if(lines.begin(), lines.end(), [](const auto& line) {
    return line.text.rfind("! sink vm:42: disk full: cannot record outcomes", 0) == 0;
  });
  ASSERT_NE(alert, lines.end());
  EXPECT_EQ(alert->style, LineStyle::kBad);
  EXPECT_NE(std::prev(alert)->text.find("jobs left need"), std::string::npos) << "under the advice";
  view.apply(Event{"disk.room", "sink vm:42", 2, 1'700'000'000'000, {{"full_for_ms", "900"}}},
             t0 + 5s);
  for (const auto& line : layout_dashboard(view, state, 120, 40, t0 + 5s, 1'700'000'000'000)) {
    EXPECT_EQ(line.text.find("disk full"), std::string::npos) << "gone with room: " << line.text;
  }
}

TEST(DashboardLayout, ControlCharactersInErrorsStayOnTheirRow) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  PipelineView view;
  view.apply(Event{"job.failed",
                   "worker x:1",
                   1,
                   1'700'000'000'000,
                   {{"job", "j-1"},
                    {"type", "fail"},
                    {"code", "handler_error"},
                    {"error", "first\nsecond\tthird\x1b[2J"}}},
             t0);
  const auto lines = layout_dashboard(view, DashboardState{}, 80, 24, t0, 1'700'000'000'000);
  bool found = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.text.find_first_of("\n\t\x1b"), std::string::npos) << line.text;
    found = found || line.text.find("first second third") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST(DashboardLayout, StatusLineCountsMissedAndMalformedEvents) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  PipelineView view;
  view.apply(Event{"worker.heartbeat", "worker a:1", 1, 0, {}}, t0);
  view.apply(Event{"worker.heartbeat", "worker a:1", 5, 0, {}}, t0);
  DashboardState state;
  state.malformed_events = 2;
  const auto lines = layout_dashboard(view, state, 80, 24, t0, 0);
  EXPECT_EQ(lines.back().text, "events 2, missed 3, 2 malformed ignored");
  EXPECT_EQ(lines.back().style, LineStyle::kBad);
}

TEST(DashboardLayout, SparklineScalesToTheLargestValue) {
  EXPECT_EQ(sparkline({0, 50, 100}, 10, false), "_=#");
  EXPECT_EQ(sparkline({1, 2, 3, 4}, 2, true), "▆█");
  EXPECT_EQ(sparkline({}, 5, true), "");
}

TEST(DashboardLayout, FormatsDurations) {
  EXPECT_EQ(format_duration(75s), "1:15");
  EXPECT_EQ(format_duration(4000s), "1:06:40");
}

}  // namespace
}  // namespace zpipe
