#include "monitor/options.hpp"

#include <unistd.h>

#include <cstdlib>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"

namespace zpipe {
namespace {

// Whether tail colours event names: "always", or "auto" on a terminal without NO_COLOR.
bool tail_color(const std::string& color) {
  const bool terminal = ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  return color == "always" || (color == "auto" && terminal);
}

}  // namespace

std::variant<MonitorOptions, int> parse_monitor_options(int argc, char** argv) {
  MonitorOptions options;
  CLI::App app{"zpipe-monitor: watches the events of every zpipe component.", "zpipe-monitor"};
  app.get_formatter()->column_width(36);
  app.require_subcommand(1);
  add_logging_options(app, options.log);
  add_config_options(app);
  CurveFlags curve_flags;

  auto& tail = options.tail;
  auto* tail_cmd = app.add_subcommand("tail", "Print one line per event as it happens");
  tail_cmd
      ->add_option("--events-from", tail.events_endpoint,
                   "Event hub endpoint to subscribe to (SUB, connect)")
      ->envname(EndpointVariables::kEventsOut)
      ->capture_default_str();
  tail_cmd->add_flag("--json", tail.json, "One JSON object per line");
  tail_cmd->add_flag("-v,--verbose", tail.filter.verbose,
                     "Also the heartbeats and state snapshots every component sends each second");
  tail_cmd->add_option("--topic", tail.filter.topics,
                       "Only events whose name starts with this (repeatable): job., worker., ...");
  tail_cmd->add_option("--type", tail.filter.type, "Only events of jobs of this type");
  tail_cmd->add_option("--status", tail.filter.status,
                       "Only events of this kind: accepted, started, succeeded, failed, ...");
  tail_cmd->add_option("--worker", tail.filter.worker,
                       "Only events from or about workers whose name contains this");
  tail_cmd->add_option("--job", tail.filter.job, "Only the events of this job id");
  tail_cmd->add_option("--queue", tail.filter.queue,
                       "Only events of jobs in this queue (accepted, started, succeeded, failed, "
                       "cancelled, released) and of the queue (paused, resumed)");
  tail_cmd->add_option("--batch", tail.filter.batch,
                       "Only events of this batch: its jobs' (from workers: started, succeeded, "
                       "failed, ...) and its own (opened, sealed)");
  add_curve_options(*tail_cmd, curve_flags, CurveRole::kClient);
  add_config_options(*tail_cmd);
  tail_cmd
      ->add_option("--color", options.color,
                   "Colour event names: auto (on a terminal), always, never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));

  auto& top = options.top;
  auto* top_cmd =
      app.add_subcommand("top", "A live full-screen dashboard (q quits, p pauses, f failures)");
  top_cmd
      ->add_option("--events-from", top.events_endpoint,
                   "Event hub endpoint to subscribe to (SUB, connect)")
      ->envname(EndpointVariables::kEventsOut)
      ->capture_default_str();
  top_cmd
      ->add_option("--target-minutes", top.target_minutes,
                   "Advise how many workers finish the backlog within this many minutes")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 100000.0));
  top_cmd
      ->add_option("--ventilator", top.ventilator_endpoint,
                   "Ventilator's submit endpoint, asked each second for its queues (DEALER, "
                   "connect)")
      ->envname(EndpointVariables::kSubmit)
      ->capture_default_str();
  add_curve_options(*top_cmd, curve_flags, CurveRole::kClient);
  add_config_options(*top_cmd);

  if (auto exit_code = parse_command_line(app, argc, argv)) return *exit_code;
  if (auto exit_code =
          load_curve_setup(curve_flags, CurveRole::kClient, "zpipe-monitor", tail.curve)) {
    return *exit_code;
  }
  top.curve = tail.curve;
  options.tail.color = tail_color(options.color);
  if (top_cmd->parsed()) {
    options.mode = MonitorOptions::Mode::kTop;
    // The dashboard owns the screen: it logs only to a file.
    if (options.log.file.empty()) options.log.level = "off";
  }
  if (auto exit_code = print_config_if_asked(app)) return *exit_code;
  return options;
}

}  // namespace zpipe
