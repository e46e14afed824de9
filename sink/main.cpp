// zpipe-sink: records every job outcome once and acknowledges it to the ventilator.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/curve_setup.hpp"
#include "common/endpoints.hpp"
#include "common/stop_flag.hpp"
#include "sink/sink.hpp"

int main(int argc, char** argv) {
  zpipe::SinkConfig config;
  zpipe::LogOptions log_options;
  CLI::App app{
      "zpipe-sink: records every job outcome once in SQLite (DATA_DIR/outcomes.db) and "
      "acknowledges it to the ventilator.",
      "zpipe-sink"};
  app.get_formatter()->column_width(36);
  app.add_option("--outcomes", config.outcomes_endpoint,
                 "Endpoint workers send outcomes to (PULL, bind)")
      ->capture_default_str();
  app.add_option("--acks-to", config.acks_endpoint,
                 "Ventilator endpoint to acknowledge recorded outcomes to")
      ->envname(zpipe::EndpointVariables::kAcks)
      ->capture_default_str();
  app.add_option("--events-to", config.events_endpoint, "Event hub endpoint to publish events to")
      ->envname(zpipe::EndpointVariables::kEventsIn)
      ->capture_default_str();
  app.add_option("--data-dir", config.data_dir,
                 "Directory of the outcome store (env ZPIPE_DATA_DIR)")
      ->capture_default_str();
  app.add_option("--max-message-bytes", config.limits.max_message_bytes,
                 "Largest message accepted from a peer")
      ->capture_default_str()
      ->check(CLI::Range(64, 256 << 20));
  zpipe::CurveFlags curve_flags;
  zpipe::add_curve_options(app, curve_flags, zpipe::CurveRole::kServerAndClient);
  zpipe::add_logging_options(app, log_options);
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  if (auto exit_code = zpipe::load_curve_setup(curve_flags, zpipe::CurveRole::kServerAndClient,
                                               "zpipe-sink", config.curve)) {
    return *exit_code;
  }
  config.sockets.max_message_bytes = static_cast<std::int64_t>(config.limits.max_message_bytes);

  try {
    auto log = zpipe::make_logger("zpipe-sink", log_options);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Sink sink(config, log);
    return sink.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-sink: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
