// zpipe-monitor: watches the events of every component.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "monitor/event_tail.hpp"

int main(int argc, char** argv) {
  zpipe::TailConfig tail;
  zpipe::LogOptions log_options;
  CLI::App app{"zpipe-monitor: watches the events of every zpipe component.", "zpipe-monitor"};
  app.get_formatter()->column_width(36);
  app.require_subcommand(1);
  zpipe::add_logging_options(app, log_options);
  auto* tail_cmd = app.add_subcommand("tail", "Print one line per event as it happens");
  tail_cmd->add_option("--events-from", tail.events_endpoint, "Event hub endpoint to subscribe to")
      ->capture_default_str();
  tail_cmd->add_flag("--json", tail.json, "One JSON object per line");
  tail_cmd->add_option(
      "--topic", tail.topics,
      "Show only events whose name starts with this (repeatable), e.g. job.failed");
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;

  try {
    auto log = zpipe::make_logger("zpipe-monitor", log_options);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::EventTail monitor(tail, std::cout, log);
    return monitor.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-monitor: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
