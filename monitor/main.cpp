// zpipe-monitor: watches the events of every component (tail: a line each; top: a dashboard).
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "monitor/options.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_monitor_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  auto& options = std::get<zpipe::MonitorOptions>(parsed);
  const bool top = options.mode == zpipe::MonitorOptions::Mode::kTop;
  try {
    auto log = zpipe::make_logger("zpipe-monitor", options.log);
    zpipe::StopFlag stop;
    // The dashboard must always get to restore the terminal: no exit on a second signal.
    zpipe::install_stop_signals(stop, /*exit_on_second=*/!top);
    if (top) return zpipe::Dashboard(options.top, log).run(stop);
    return zpipe::EventTail(options.tail, std::cout, std::cerr, log).run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-monitor: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
