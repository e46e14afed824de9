#include "sink/options.hpp"

#include <iostream>
#include <string>

#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/duration_option.hpp"
#include "common/endpoints.hpp"

namespace zpipe {

std::variant<SinkOptions, int> parse_sink_options(int argc, char** argv) {
  SinkOptions options;
  auto& config = options.config;
  auto& log_options = options.log;
  CLI::App app{
      "zpipe-sink: records every job outcome once in SQLite (DATA_DIR/outcomes.db) and "
      "acknowledges it to the ventilator.",
      "zpipe-sink"};
  app.get_formatter()->column_width(36);
  app.add_option("--outcomes", config.outcomes_endpoint,
                 "Endpoint workers send outcomes to (PULL, bind)")
      ->capture_default_str();
  app.add_option("--acks-to", config.acks_endpoint,
                 "Ventilator endpoint to acknowledge recorded outcomes to (PUSH, connect)")
      ->envname(EndpointVariables::kAcks)
      ->capture_default_str();
  app.add_option("--events-to", config.events_endpoint,
                 "Event hub endpoint to publish events to (XPUB, connect)")
      ->envname(EndpointVariables::kEventsIn)
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir,
                 "Directory of the outcome store (env ZPIPE_DATA_DIR)")
      ->capture_default_str();
  add_duration_option(app, "--keep", config.keep,
                      "Delete jobs recorded longer ago than this (30d, 12h, 2w...), at start and "
                      "then hourly; default: keep everything");
  add_max_message_bytes_option(app, config.limits, "Largest message accepted from a peer");
  if (auto exit_code = parse_program_command_line(app, argc, argv, CurveRole::kServerAndClient,
                                                  log_options, config.curve)) {
    return *exit_code;
  }
  config.sockets.max_message_bytes = static_cast<std::int64_t>(config.limits.max_message_bytes);
  if (auto exit_code = print_config_if_asked(app)) return *exit_code;
  return options;
}

}  // namespace zpipe
