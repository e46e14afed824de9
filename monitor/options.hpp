// zpipe-monitor's command line: its two subcommands (tail, top), every flag with its help and
// its checks. Apart from main() so that tests can parse command lines.
#pragma once

#include <variant>

#include "common/logging.hpp"
#include "monitor/dashboard.hpp"
#include "monitor/event_tail.hpp"

namespace zpipe {

struct MonitorOptions {
  enum class Mode { kTail, kTop };
  Mode mode = Mode::kTail;
  TailConfig tail;
  std::string color = "auto";  // tail: auto, always or never; tail.color says what it came to
  TopConfig top;
  LogOptions log;
};

// What `argv` asks for, or the exit code to stop with now: 0 after --help or --version,
// kExitUsage after a usage error (said on stderr, with a hint), as after unreadable CURVE keys.
std::variant<MonitorOptions, int> parse_monitor_options(int argc, char** argv);

}  // namespace zpipe
