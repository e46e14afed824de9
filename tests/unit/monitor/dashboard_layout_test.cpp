#include "monitor/dashboard_layout.hpp"

#include <algorithm>
#include <iterator>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "monitor/failure_scroll_anchor.hpp"
#include "monitor/screen_hold.hpp"

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
  EXPECT_EQ(screen.find("not answering"), std::string::npos) << screen;
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

PipelineView with_totals(std::map<std::string, std::string> counts) {
  PipelineView view;
  view.apply(Event{"ventilator.state", "ventilator h:1", 1, 0, std::move(counts)},
             PipelineView::Clock::time_point{} + 1h);
  return view;
}

std::string screen_of(const std::vector<ScreenLine>& lines) {
  std::string screen;
  for (const auto& line : lines) screen += line.text + "\n";
  return screen;
}

// Every item of the totals line is whole: a label the dashboard uses, a space, the exact count.
TEST(DashboardLayout, TotalsLineDropsOrShortensWholeItemsNeverCutsOne) {
  const std::map<std::string, std::string> counts = {
      {"accepted", "1234567"}, {"succeeded", "1200000"}, {"dead", "12345"},  {"in_flight", "64"},
      {"pending", "22158"},    {"retrying", "123"},      {"failed", "45678"}};
  const std::map<std::string, std::string> value_of = {
      {"accepted", "1234567"},      {"acc", "1234567"},  {"succeeded", "1200000"},
      {"done", "1200000"},          {"dead", "12345"},   {"in flight", "64"},
      {"backlog", "22158"},         {"retrying", "123"}, {"retry", "123"},
      {"failed attempts", "45678"}, {"fail", "45678"}};
  const auto view = with_totals(counts);
  const auto at = PipelineView::Clock::time_point{} + 1h;
  static const std::regex item(R"(([a-z ]+) (\d+))");
  for (int width = 20; width <= 200; ++width) {
    const auto line = layout_dashboard(view, DashboardState{}, width, 24, at, 0).at(1).text;
    EXPECT_LE(columns(line), static_cast<std::size_t>(width));
    std::size_t start = 0;
    int items = 0;
    while (start < line.size()) {
      const auto end = std::min(line.find("  ", start), line.size());
      const auto piece = line.substr(start, end - start);
      std::smatch m;
      ASSERT_TRUE(std::regex_match(piece, m, item)) << width << ": \"" << piece << "\" in " << line;
      ASSERT_TRUE(value_of.count(m[1]))
          << width << ": unknown label \"" << m[1] << "\" in " << line;
      EXPECT_EQ(m[2], value_of.at(m[1])) << width << ": " << line;
      ++items;
      start = end + 2;
    }
    if (width >= 40) {
      EXPECT_GE(items, 3) << width << ": " << line;
    }
  }
  // At 80 columns, short labels, and millions leave no room for the last count.
  EXPECT_EQ(layout_dashboard(view, DashboardState{}, 80, 24, at, 0).at(1).text,
            "acc 1234567  done 1200000  dead 12345  in flight 64  backlog 22158  retry 123");
  // Thousands: every count.
  const auto thousands = with_totals(
      {{"accepted", "3000"}, {"succeeded", "2700"}, {"dead", "300"}, {"failed", "300"}});
  EXPECT_EQ(layout_dashboard(thousands, DashboardState{}, 80, 24, at, 0).at(1).text,
            "acc 3000  done 2700  dead 300  in flight 0  backlog 0  retry 0  fail 300");
  // Wide, the full labels.
  EXPECT_EQ(layout_dashboard(view, DashboardState{}, 120, 24, at, 0).at(1).text,
            "accepted 1234567  succeeded 1200000  dead 12345  in flight 64  backlog 22158  "
            "retrying 123  failed attempts 45678");
}

TEST(DashboardLayout, FailureListsSayWhenTheyShowOnlyTheNewest) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  PipelineView view;
  for (int i = 0; i < 150; ++i) {
    view.apply(Event{"job.failed",
                     "worker x:1",
                     static_cast<std::uint64_t>(i + 1),
                     1'700'000'000'000,
                     {{"job", "j-" + std::to_string(i)}, {"type", "fail"}, {"error", "boom"}}},
               t0);
  }
  DashboardState state;
  auto screen = screen_of(layout_dashboard(view, state, 120, 40, t0, 1'700'000'000'000));
  EXPECT_NE(screen.find("RECENT FAILURES (showing 100 of 150)"), std::string::npos) << screen;
  state.failures_only = true;
  screen = screen_of(layout_dashboard(view, state, 120, 40, t0, 1'700'000'000'000));
  EXPECT_NE(screen.find("FAILURES (showing 100 of 150, newest first)"), std::string::npos)
      << screen;
  // Under the limit, the plain count.
  PipelineView few;
  few.apply(Event{"job.failed", "worker x:1", 1, 0, {{"job", "j-1"}}}, t0);
  screen = screen_of(layout_dashboard(few, state, 120, 40, t0, 1'700'000'000'000));
  EXPECT_NE(screen.find("FAILURES (1, newest first)"), std::string::npos) << screen;
}

// A dashboard started after jobs finished has counts but has timed no job: it must not say
// that none has finished.
TEST(DashboardLayout, AdviceLineOfALateDashboardAgreesWithTheCounts) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto late = with_totals({{"accepted", "3000"}, {"succeeded", "2700"}, {"dead", "300"}});
  late.apply(
      Event{"worker.heartbeat", "worker a:1", 1, 0, {{"state", "idle"}, {"succeeded", "1350"}}},
      t0);
  const auto screen = screen_of(layout_dashboard(late, DashboardState{}, 80, 24, t0, 0));
  EXPECT_EQ(screen.find("no job has finished"), std::string::npos) << screen;
  EXPECT_NE(screen.find("workers: advice once a job finishes while this monitor watches"),
            std::string::npos)
      << screen;
  // Before any job at all, it says so.
  const auto fresh = with_totals({{"accepted", "0"}, {"succeeded", "0"}});
  EXPECT_NE(screen_of(layout_dashboard(fresh, DashboardState{}, 80, 24, t0, 0))
                .find("workers: no job has finished yet to measure"),
            std::string::npos);
}

TEST(DashboardLayout, APausedScreenShowsTheSameDataUntilUnpausedScrollingIncluded) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto live = busy_view(t0);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.paused = true;
  ScreenHold hold;
  hold.hold(live, t0 + 4s, 1'700'000'000'000, 0);
  auto draw = [&](PipelineView::Clock::time_point now, std::uint64_t wall_ms, int scroll) {
    const auto frame = hold.frame(live, now, wall_ms, 7);
    auto shown = state;
    shown.scroll = scroll;
    shown.malformed_events = frame.malformed_events;
    return screen_of(layout_dashboard(frame.view, shown, 80, 24, frame.now, frame.wall_ms));
  };
  const auto paused_top = draw(t0 + 4s, 1'700'000'000'000, 0);
  const auto paused_scrolled = draw(t0 + 4s, 1'700'000'000'000, 5);
  // Time passes, jobs finish, failures arrive, a worker joins: the live view moves on.
  for (int s = 5; s < 15; ++s) {
    live.apply(Event{"ventilator.state",
                     "ventilator h:1",
                     static_cast<std::uint64_t>(s + 1),
                     0,
                     {{"accepted", "5000"},
                      {"pending", "100"},
                      {"succeeded", std::to_string(1000 * s)},
                      {"failed", "9"}}},
               t0 + std::chrono::seconds(s));
    live.apply(Event{"job.failed",
                     "worker x:1",
                     static_cast<std::uint64_t>(s),
                     0,
                     {{"job", "new-" + std::to_string(s)}, {"ms", "1"}}},
               t0 + std::chrono::seconds(s));
  }
  live.apply(Event{"worker.up", "worker aaa:1", 1, 0, {}}, t0 + 14s);
  live.tick(t0 + 15s);
  const auto later = t0 + 15s;
  EXPECT_EQ(draw(later, 1'700'000'011'000, 0), paused_top);
  EXPECT_EQ(draw(later, 1'700'000'011'000, 5), paused_scrolled) << "scrolling shows held rows";
  // Unpaused, the present.
  hold.release();
  state.paused = false;
  const auto present = draw(later, 1'700'000'011'000, 0);
  EXPECT_NE(present, paused_top);
  EXPECT_NE(present.find("done 14000"), std::string::npos) << present;
  EXPECT_NE(present.find("WORKERS (31)"), std::string::npos) << present;
}

// The ventilator's answers of a pipeline with queues: "mail" paused with its own limit, a type
// limit, a scheduled job in a queue of a long name, and jobs of a type no worker handles.
void answer_queues(PipelineView& view, PipelineView::Clock::time_point now,
                   std::size_t extra_queues = 0) {
  QueuesReply queues;
  queues.queues = {QueueSummary{"default", 1200, 4, 3, 4'100, false},
                   QueueSummary{"mail", 12, 0, 0, 240'000, true},
                   QueueSummary{"reports-nightly-with-a-long-queue-name", 0, 0, 1, 0, false}};
  for (std::size_t i = 0; i < extra_queues; ++i) {
    queues.queues.push_back(QueueSummary{"q" + std::to_string(100 + i), i, 0, 0, 500, false});
  }
  std::sort(queues.queues.begin(), queues.queues.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  queues.limits = {LimitSummary{"api=10/s", 1, 4}, LimitSummary{"queue:mail=concurrency:2", 0, 12}};
  view.apply_queues(queues, now);
  StatusReply status;
  status.by_type = {TypeCounts{"echo", 3, 1, 0, 9, 0}, TypeCounts{"word_count", 7, 0, 0, 0, 0}};
  status.types_without_workers = {"word_count"};
  view.apply_status(status, now);
}

const ScreenLine* line_starting(const std::vector<ScreenLine>& lines, const std::string& start) {
  const auto it = std::find_if(lines.begin(), lines.end(), [&](const ScreenLine& line) {
    return line.text.rfind(start, 0) == 0;
  });
  return it == lines.end() ? nullptr : &*it;
}

TEST(DashboardLayout, QueuesPanelShowsEachQueueItsLimitsAndTheTypesWithoutAWorker) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto view = busy_view(t0);
  answer_queues(view, t0 + 4s);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.ventilator_endpoint = "tcp://127.0.0.1:5570";
  const auto lines = layout_dashboard(view, state, 80, 24, t0 + 4s, 1'700'000'000'000);
  const auto screen = screen_of(lines);
  const auto* heading = line_starting(lines, "QUEUES (3)");
  ASSERT_NE(heading, nullptr) << screen;
  EXPECT_EQ(heading->style, LineStyle::kHeading);
  EXPECT_NE(heading->text.find("PENDING RUNNING SCHEDULED LATENCY  PAUSED  LIMITS"),
            std::string::npos)
      << screen;
  const auto* mail = line_starting(lines, "mail ");
  ASSERT_NE(mail, nullptr) << screen;
  EXPECT_EQ(mail->text,
            "mail                  12       0         0      4m  paused  concurrency:2");
  EXPECT_EQ(mail->style, LineStyle::kWarn);
  const auto* default_queue = line_starting(lines, "default ");
  ASSERT_NE(default_queue, nullptr) << screen;
  EXPECT_EQ(default_queue->text, "default             1200       4         3    4.1s");
  // A long name is cut at 80 columns, whole at 160.
  EXPECT_NE(line_starting(lines, "reports-night... "), nullptr) << screen;
  const auto wide = layout_dashboard(view, state, 160, 50, t0 + 4s, 1'700'000'000'000);
  EXPECT_NE(line_starting(wide, "reports-nightly-with-a-long-queue-name "), nullptr)
      << screen_of(wide);
  // The type's limit, with what it holds, below the queues.
  EXPECT_NE(line_starting(lines, "other limits: api=10/s (1 running, 4 waiting)"), nullptr)
      << screen;
  // As `zpipe status` says it, red with the alerts.
  const auto* unserved = line_starting(
      lines, "! 7 jobs of type word_count wait: no connected worker handles word_count");
  ASSERT_NE(unserved, nullptr) << screen;
  EXPECT_EQ(unserved->style, LineStyle::kBad);
  EXPECT_NE(screen.find("WORKERS (30)"), std::string::npos) << screen;
}

TEST(DashboardLayout, QueuesPanelFitsEveryScreenAndSaysWhatItLeavesOut) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto view = busy_view(t0);
  answer_queues(view, t0 + 4s, 100);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.ventilator_endpoint = "tcp://127.0.0.1:5570";
  for (const auto& [width, height] :
       {std::pair{80, 24}, {120, 40}, {40, 10}, {60, 16}, {200, 60}, {20, 5}}) {
    const auto lines = layout_dashboard(view, state, width, height, t0 + 4s, 1'700'000'000'000);
    const auto screen = screen_of(lines);
    EXPECT_EQ(lines.size(), static_cast<std::size_t>(height)) << screen;
    for (const auto& line : lines) {
      EXPECT_LE(columns(line.text), static_cast<std::size_t>(width)) << line.text;
    }
    if (height < 20) continue;
    // The paused queue and the busiest are among those shown; the rest are counted.
    EXPECT_NE(line_starting(lines, "mail "), nullptr) << screen;
    EXPECT_NE(line_starting(lines, "default "), nullptr) << screen;
    EXPECT_NE(screen.find(" more queues: "), std::string::npos) << screen;
    EXPECT_NE(screen.find("WORKERS (30)"), std::string::npos) << "the workers keep rows:\n"
                                                              << screen;
  }
  // On a small screen, one line that names the paused queue first.
  const auto small = layout_dashboard(view, state, 80, 12, t0 + 4s, 1'700'000'000'000);
  EXPECT_NE(line_starting(small, "QUEUES (103): 1 paused, "), nullptr) << screen_of(small);
}

TEST(DashboardLayout, QueuesPanelSaysWhenTheVentilatorDoesNotAnswer) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto view = busy_view(t0);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.ventilator_endpoint = "tcp://10.0.0.1:5570";
  view.queues_asked(t0 + 4s);
  auto lines = layout_dashboard(view, state, 80, 24, t0 + 5s, 1'700'000'000'000);
  EXPECT_NE(line_starting(lines, "QUEUES: asking the ventilator at tcp://10.0.0.1:5570"), nullptr)
      << screen_of(lines);
  lines = layout_dashboard(view, state, 80, 24, t0 + 8s, 1'700'000'000'000);
  const auto* silent = line_starting(
      lines, "QUEUES: no answer from the ventilator at tcp://10.0.0.1:5570 (--ventilator)");
  ASSERT_NE(silent, nullptr) << screen_of(lines);
  EXPECT_EQ(silent->style, LineStyle::kBad);
  // Answered once, then silent: the queues as they were, said to be so.
  answer_queues(view, t0 + 8s);
  view.queues_asked(t0 + 9s);
  lines = layout_dashboard(view, state, 80, 24, t0 + 20s, 1'700'000'000'000);
  EXPECT_NE(
      line_starting(lines, "! no answer from tcp://10.0.0.1:5570 for 11s: the queues as they were"),
      nullptr)
      << screen_of(lines);
  EXPECT_NE(line_starting(lines, "mail "), nullptr) << screen_of(lines);
}

constexpr std::uint64_t kWallMs = 1'700'000'000'000;

// The latest batches, newest first: one still open, one sealed with dead jobs, one done 30 s
// ago, and one done 2 minutes ago (no longer shown).
std::vector<BatchSummary> latest_batches() {
  return {BatchSummary{.id = "mx0qmj60-b4",
                       .description = "nightly report",
                       .total = 5,
                       .pending = 3,
                       .succeeded = 2},
          BatchSummary{.id = "mx0qmj60-b3",
                       .description = "upload 7f3e: thumbnails in three sizes for the gallery",
                       .sealed = true,
                       .total = 300,
                       .pending = 170,
                       .running = 10,
                       .succeeded = 118,
                       .dead = 2},
          BatchSummary{.id = "mx0qmj60-b2",
                       .finished_ms = kWallMs - 30'000,
                       .sealed = true,
                       .total = 10,
                       .succeeded = 10},
          BatchSummary{.id = "mx0qmj60-b1",
                       .finished_ms = kWallMs - 120'000,
                       .sealed = true,
                       .total = 4,
                       .succeeded = 4}};
}

std::vector<std::string> texts(const std::vector<ScreenLine>& lines) {
  std::vector<std::string> all;
  for (const auto& line : lines) all.push_back(line.text);
  return all;
}

TEST(DashboardLayout, BatchPanelShowsOpenAndJustFinishedBatchesWithTheirProgress) {
  const auto lines = batch_panel(latest_batches(), kWallMs, 80, 10, false);
  EXPECT_EQ(texts(lines),
            (std::vector<std::string>{
                "BATCHES (3)      DESCRIPTION                PROGRESS          DONE  DEAD  STATE",
                "mx0qmj60-b4      nightly report             #####.........     2/5     0  open",
                "mx0qmj60-b3      upload 7f3e: thumbnails... #####......... 120/300     2  sealed",
                "mx0qmj60-b2                                 ##############   10/10     0  done"}));
  EXPECT_EQ(lines[0].style, LineStyle::kHeading);
  EXPECT_EQ(lines[1].style, LineStyle::kNormal);
  EXPECT_EQ(lines[2].style, LineStyle::kWarn) << "it has dead jobs";
  EXPECT_EQ(lines[3].style, LineStyle::kGood) << "done, none dead";
  // Block characters on a UTF-8 terminal; a wider screen gives the description more room.
  const auto wide = batch_panel(latest_batches(), kWallMs, 120, 10, true);
  ASSERT_EQ(wide.size(), 4u);
  EXPECT_NE(wide[2].text.find("thumbnails in three sizes for the gal... ██████████░"),
            std::string::npos)
      << wide[2].text;
  // A minute after its end, a batch leaves the panel; with none left, so does the panel.
  EXPECT_EQ(batch_panel(latest_batches(), kWallMs + 31'000, 80, 10, false).size(), 3u);
  EXPECT_TRUE(batch_panel({latest_batches()[3]}, kWallMs, 80, 10, false).empty());
  EXPECT_TRUE(batch_panel({}, kWallMs, 80, 10, false).empty());
}

TEST(DashboardLayout, BatchPanelFitsItsRowsAndCountsWhatItLeavesOut) {
  auto batches = latest_batches();
  for (int i = 0; i < 20; ++i) {
    batches.push_back(BatchSummary{.id = "mx0qmj60-a" + std::to_string(i),
                                   .finished_ms = kWallMs - 1'000,
                                   .sealed = true,
                                   .total = 1,
                                   .dead = 1});
  }
  for (const int width : {10, 20, 40, 60, 80, 200}) {
    for (const int rows : {1, 2, 3, 4, 10, 30}) {
      const auto lines = batch_panel(batches, kWallMs, width, rows, true);
      EXPECT_LE(lines.size(), static_cast<std::size_t>(rows)) << width << "x" << rows;
      for (const auto& line : lines) {
        EXPECT_LE(columns(line.text), static_cast<std::size_t>(width)) << line.text;
      }
    }
  }
  // Those under way come first; the others are counted.
  const auto lines = texts(batch_panel(batches, kWallMs, 80, 4, false));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1].rfind("mx0qmj60-b4 ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("mx0qmj60-b3 ", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3], "21 more batches: 21 done, 30/30 jobs ended, 20 dead (zpipe batch list)");
  // Too few rows for a row each and a count of the rest: one line for all.
  const auto one = batch_panel(batches, kWallMs, 80, 2, false);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].text, "BATCHES (23): 21 done, 152/335 jobs ended, 22 dead");
  EXPECT_EQ(one[0].style, LineStyle::kWarn);
  // Two rows are enough for one batch.
  const auto single = texts(batch_panel({latest_batches()[1]}, kWallMs, 80, 2, false));
  ASSERT_EQ(single.size(), 2u);
  EXPECT_EQ(single[1].rfind("mx0qmj60-b3 ", 0), 0u) << single[1];
  // A narrow screen drops the description, then the bar, never the counts.
  const auto narrow = texts(batch_panel(latest_batches(), kWallMs, 50, 10, false));
  EXPECT_EQ(narrow[2], "mx0qmj60-b3      ####....... 120/300     2  sealed");
  const auto narrower = texts(batch_panel(latest_batches(), kWallMs, 40, 10, false));
  EXPECT_EQ(narrower[2], "mx0qmj60-b3      120/300     2  sealed");
}

TEST(DashboardLayout, BatchesTakeRowsBetweenTheQueuesAndTheWorkersOnlyWhenThereAreAny) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  auto view = busy_view(t0);
  answer_queues(view, t0 + 4s);
  DashboardState state;
  state.endpoint = "tcp://127.0.0.1:5575";
  state.ventilator_endpoint = "tcp://127.0.0.1:5570";
  const auto without = layout_dashboard(view, state, 80, 24, t0 + 4s, kWallMs);
  EXPECT_EQ(screen_of(without).find("BATCHES"), std::string::npos) << screen_of(without);

  view.apply_batches(BatchesReply{1, latest_batches()}, t0 + 4s);
  for (const auto& [width, height] : {std::pair{80, 24}, {120, 40}, {40, 10}, {200, 60}}) {
    const auto lines = layout_dashboard(view, state, width, height, t0 + 4s, kWallMs);
    const auto screen = screen_of(lines);
    EXPECT_EQ(lines.size(), static_cast<std::size_t>(height)) << screen;
    for (const auto& line : lines) {
      EXPECT_LE(columns(line.text), static_cast<std::size_t>(width)) << line.text;
    }
    if (height < 24) continue;
    const auto* heading = line_starting(lines, "BATCHES (3) ");
    ASSERT_NE(heading, nullptr) << screen;
    EXPECT_LT(screen.find("QUEUES (3)"), screen.find("BATCHES (3)")) << screen;
    EXPECT_LT(screen.find("mx0qmj60-b2 "), screen.find("WORKERS (30)")) << screen;
  }
  // A small screen: one line.
  const auto small = layout_dashboard(view, state, 80, 16, t0 + 4s, kWallMs);
  EXPECT_NE(line_starting(small, "BATCHES (3): 1 done, 132/315 jobs ended, 2 dead"), nullptr)
      << screen_of(small);
  EXPECT_NE(screen_of(small).find("WORKERS (30)"), std::string::npos) << screen_of(small);
}

TEST(FailureScrollAnchor, KeepsTheRowsInViewAsNewFailuresArriveOnTop) {
  const auto t0 = PipelineView::Clock::time_point{} + 1h;
  PipelineView view;
  std::uint64_t seq = 0;
  auto fail = [&](int n) {
    for (int i = 0; i < n; ++i) {
      ++seq;
      view.apply(Event{"job.failed", "worker x:1", seq, 0, {{"job", "j-" + std::to_string(seq)}}},
                 t0);
    }
  };
  fail(30);
  FailureScrollAnchor anchor;
  int scroll = anchor.follow(10, view);
  ASSERT_EQ(scroll, 10);
  const auto looked_at = view.failures()[static_cast<std::size_t>(scroll)].job;
  fail(4);
  scroll = anchor.follow(scroll, view);
  EXPECT_EQ(view.failures()[static_cast<std::size_t>(scroll)].job, looked_at);
  // The reader scrolls one down, more arrive meanwhile: one row further than before.
  fail(2);
  scroll = anchor.follow(scroll + 1, view);
  EXPECT_EQ(view.failures()[static_cast<std::size_t>(scroll - 1)].job, looked_at);
  // At the top, the list follows the newest.
  scroll = anchor.follow(0, view);
  fail(3);
  EXPECT_EQ(anchor.follow(scroll, view), 0);
  // A row pushed out of the kept list leaves the view at its end.
  fail(100);
  (void)anchor.follow(0, view);  // shown at the top, then scrolled down
  scroll = anchor.follow(90, view);
  ASSERT_EQ(scroll, 90);
  fail(50);
  EXPECT_EQ(anchor.follow(scroll, view), static_cast<int>(PipelineView::kFailuresKept) - 1);
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
