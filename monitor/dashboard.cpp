#include "monitor/dashboard.hpp"

#include <curses.h>
#include <langinfo.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstring>
#include <iostream>

#include "common/clock.hpp"
#include "common/socket.hpp"
#include "monitor/event_feed.hpp"

namespace zpipe {
namespace {

// Puts the terminal back however run() ends.
struct CursesSession {
  CursesSession() {
    initscr();
    cbreak();  // keys at once, but Ctrl-C still interrupts
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    if (has_colors()) {
      start_color();
      use_default_colors();
      init_pair(1, COLOR_CYAN, -1);
      init_pair(2, COLOR_GREEN, -1);
      init_pair(3, COLOR_RED, -1);
      init_pair(4, COLOR_YELLOW, -1);
    }
  }
  ~CursesSession() { endwin(); }
};

attr_t attribute(LineStyle style) {
  switch (style) {
    case LineStyle::kTitle:
      return A_REVERSE;
    case LineStyle::kHeading:
      return A_BOLD | (has_colors() ? COLOR_PAIR(1) : 0);
    case LineStyle::kGood:
      return has_colors() ? COLOR_PAIR(2) : 0;
    case LineStyle::kBad:
      return has_colors() ? COLOR_PAIR(3) : A_BOLD;
    case LineStyle::kWarn:
      return has_colors() ? COLOR_PAIR(4) : A_NORMAL;
    case LineStyle::kDim:
      return A_DIM;
    case LineStyle::kNormal:
      return A_NORMAL;
  }
  return A_NORMAL;
}

}  // namespace

Dashboard::Dashboard(TopConfig config, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(std::move(log)),
      context_(1),
      queue_poll_(context_, config_.ventilator_endpoint, config_.curve, config_.limits) {
  events_in_ = subscribe_to_events(context_, config_.events_endpoint, config_.curve);
  state_.endpoint = config_.events_endpoint;
  state_.ventilator_endpoint = config_.ventilator_endpoint;
  state_.target_minutes = config_.target_minutes;
}

int Dashboard::run(const StopFlag& stop) {
  if (::isatty(STDIN_FILENO) == 0 || ::isatty(STDOUT_FILENO) == 0) {
    std::cerr << "zpipe-monitor top: needs a terminal; for a pipe or a file use "
                 "`zpipe-monitor tail` (--json for scripts)\n";
    return 2;
  }
  std::setlocale(LC_ALL, "");
  state_.unicode = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  CursesSession curses;
  using Clock = PipelineView::Clock;
  auto next_draw = Clock::now();
  while (!stop.is_stop_requested()) {
    if (queue_poll_.ask_if_due(Clock::now())) view_.queues_asked(Clock::now());
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(next_draw, queue_poll_.next_ask()) - Clock::now());
    zmq::pollitem_t items[] = {{events_in_.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, STDIN_FILENO, ZMQ_POLLIN, 0},
                               {nullptr, stop.fd(), ZMQ_POLLIN, 0},
                               {queue_poll_.socket().handle(), 0, ZMQ_POLLIN, 0}};
    poll_sockets(items, std::size(items), std::max(wait, std::chrono::milliseconds(0)));
    const auto now = Clock::now();
    if (items[0].revents & ZMQ_POLLIN) take_events(now);
    if (items[3].revents & ZMQ_POLLIN) apply_queue_replies(queue_poll_, view_, now);
    bool redraw_now = false;
    for (int key = getch(); key != ERR; key = getch()) {
      if (!handle_key(key, now)) return 0;
      redraw_now = true;
    }
    if (now >= next_draw || redraw_now) {
      view_.tick(now);
      draw(now);
      next_draw = now + config_.redraw;
    }
  }
  return 0;
}

void Dashboard::take_events(PipelineView::Clock::time_point now) {
  state_.malformed_events +=
      zpipe::take_events(events_in_, config_.limits, [&](const Event& e) { view_.apply(e, now); });
}

bool Dashboard::handle_key(int key, PipelineView::Clock::time_point now) {
  switch (key) {
    case 'q':
    case 'Q':
      return false;
    case 'p':
    case 'P':
      // Paused, the screen shows what it showed then, clock and ages included, also while
      // scrolling; events go on being counted underneath.
      state_.paused = !state_.paused;
      if (state_.paused) {
        hold_.hold(view_, now, unix_ms_now(), state_.malformed_events);
      } else {
        hold_.release();
      }
      break;
    case 'f':
    case 'F':
      state_.failures_only = !state_.failures_only;
      state_.scroll = 0;
      failure_anchor_.reset();
      break;
    case KEY_UP:
      scroll_by(-1);
      break;
    case KEY_DOWN:
      scroll_by(1);
      break;
    case KEY_PPAGE:
      scroll_by(-10);
      break;
    case KEY_NPAGE:
      scroll_by(10);
      break;
    case KEY_HOME:
      state_.scroll = 0;
      break;
    default:
      break;  // KEY_RESIZE among them: the redraw picks up the new size
  }
  return true;
}

void Dashboard::scroll_by(int rows) {
  const auto& view = hold_.view(view_);
  const auto count =
      static_cast<int>(state_.failures_only ? view.failures().size() : view.workers().size());
  state_.scroll = std::clamp(state_.scroll + rows, 0, std::max(0, count - 1));
}

void Dashboard::draw(PipelineView::Clock::time_point now) {
  const auto frame = hold_.frame(view_, now, unix_ms_now(), state_.malformed_events);
  // The failure list stays on the rows the reader was looking at as new ones arrive on top.
  if (state_.failures_only) state_.scroll = failure_anchor_.follow(state_.scroll, frame.view);
  auto shown = state_;
  shown.malformed_events = frame.malformed_events;
  const auto lines = layout_dashboard(frame.view, shown, COLS, LINES, frame.now, frame.wall_ms);
  // erase + refresh: curses sends only what changed, so the screen does not flicker.
  erase();
  for (std::size_t row = 0; row < lines.size(); ++row) {
    const auto attr = attribute(lines[row].style);
    attron(attr);
    mvaddstr(static_cast<int>(row), 0, lines[row].text.c_str());
    if (lines[row].style == LineStyle::kTitle) {
      for (int col = static_cast<int>(lines[row].text.size()); col < COLS; ++col) addch(' ');
    }
    attroff(attr);
  }
  refresh();
}

}  // namespace zpipe
