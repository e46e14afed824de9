// zpipe-ventilator: accepts jobs and hands them out to workers.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "ventilator/ventilator.hpp"

int main(int argc, char** argv) {
  zpipe::VentilatorConfig config;
  zpipe::LogOptions log_options;
  CLI::App app{
      "zpipe-ventilator: accepts jobs from producers and hands them out to workers; "
      "hosts the event hub that monitors subscribe to.",
      "zpipe-ventilator"};
  app.get_formatter()->column_width(36);
  app.add_option("--submit", config.submit_endpoint, "Endpoint producers submit to (ROUTER, bind)")
      ->capture_default_str();
  app.add_option("--jobs", config.jobs_endpoint, "Endpoint workers take jobs from (PUSH, bind)")
      ->capture_default_str();
  app.add_option("--acks", config.acks_endpoint,
                 "Endpoint the sink acknowledges recorded outcomes to (PULL, bind)")
      ->capture_default_str();
  app.add_option("--events-in", config.events_in_endpoint,
                 "Endpoint components publish events to (event hub, bind)")
      ->capture_default_str();
  app.add_option("--events-out", config.events_out_endpoint,
                 "Endpoint monitors subscribe to (event hub, bind)")
      ->capture_default_str();
  app.add_option("--default-timeout-ms", config.job_defaults.timeout_ms,
                 "Time limit of a job that sets none, in ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-pending", config.max_pending,
                 "Jobs waiting for a worker before submits are refused as busy")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-message-bytes", config.limits.max_message_bytes,
                 "Largest message accepted from a peer")
      ->capture_default_str()
      ->check(CLI::Range(64, 256 << 20));
  zpipe::add_logging_options(app, log_options);
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  config.sockets.max_message_bytes = static_cast<std::int64_t>(config.limits.max_message_bytes);

  try {
    auto log = zpipe::make_logger("zpipe-ventilator", log_options);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Ventilator ventilator(config, log);
    return ventilator.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-ventilator: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
