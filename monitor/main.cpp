// zpipe-monitor: watches the events of every component (tail: a line each; top: a dashboard).
#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/stop_flag.hpp"
#include "monitor/dashboard.hpp"
#include "monitor/event_tail.hpp"

int main(int argc, char** argv) {
  zpipe::LogOptions log_options;
  CLI::App app{"zpipe-monitor: watches the events of every zpipe component.", "zpipe-monitor"};
  app.get_formatter()->column_width(36);
  app.require_subcommand(1);
  zpipe::add_logging_options(app, log_options);
  zpipe::CurveFlags curve_flags;

  zpipe::TailConfig tail;
  std::string color = "auto";
  auto* tail_cmd = app.add_subcommand("tail", "Print one line per event as it happens");
  tail_cmd->add_option("--events-from", tail.events_endpoint, "Event hub endpoint to subscribe to")
      ->envname(zpipe::EndpointVariables::kEventsOut)
      ->capture_default_str();
  tail_cmd->add_flag("--json", tail.json, "One JSON object per line");
  tail_cmd->add_option("--topic", tail.filter.topics,
                       "Only events whose name starts with this (repeatable): job., worker., ...");
  tail_cmd->add_option("--type", tail.filter.type, "Only events of jobs of this type");
  tail_cmd->add_option("--status", tail.filter.status,
                       "Only events of this kind: accepted, started, succeeded, failed, ...");
  tail_cmd->add_option("--worker", tail.filter.worker,
                       "Only events from or about workers whose name contains this");
  tail_cmd->add_option("--job", tail.filter.job, "Only the events of this job id");
  zpipe::add_curve_options(*tail_cmd, curve_flags, zpipe::CurveRole::kClient);
  tail_cmd->add_option("--color", color, "Colour event names: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));

  zpipe::TopConfig top;
  auto* top_cmd =
      app.add_subcommand("top", "A live full-screen dashboard (q quits, p pauses, f failures)");
  top_cmd->add_option("--events-from", top.events_endpoint, "Event hub endpoint to subscribe to")
      ->envname(zpipe::EndpointVariables::kEventsOut)
      ->capture_default_str();
  top_cmd
      ->add_option("--target-minutes", top.target_minutes,
                   "Advise how many workers finish the backlog within this many minutes")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 100000.0));
  zpipe::add_curve_options(*top_cmd, curve_flags, zpipe::CurveRole::kClient);
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (auto exit_code = zpipe::load_curve_setup(curve_flags, zpipe::CurveRole::kClient,
                                               "zpipe-monitor", tail.curve)) {
    return *exit_code;
  }
  top.curve = tail.curve;

  try {
    // The dashboard owns the screen: it logs only to a file.
    if (top_cmd->parsed() && log_options.file.empty()) log_options.level = "off";
    auto log = zpipe::make_logger("zpipe-monitor", log_options);
    zpipe::StopFlag stop;
    // The dashboard must always get to restore the terminal: no exit on a second signal.
    zpipe::install_stop_signals(stop, /*exit_on_second=*/!top_cmd->parsed());
    if (top_cmd->parsed()) return zpipe::Dashboard(top, log).run(stop);
    const bool terminal = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    tail.color = color == "always" || (color == "auto" && terminal);
    zpipe::EventTail monitor(tail, std::cout, log);
    return monitor.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-monitor: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
