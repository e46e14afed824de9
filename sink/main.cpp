// zpipe-sink: records every job outcome once and acknowledges it to the ventilator.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/logging.hpp"
#include "common/stop_flag.hpp"
#include "sink/options.hpp"
#include "sink/sink.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_sink_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::SinkOptions>(parsed);
  const auto& config = options.config;
  const auto& log_options = options.log;
  std::shared_ptr<spdlog::logger> log;
  try {
    log = zpipe::make_logger("zpipe-sink", log_options);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Sink sink(config, log);
    return sink.run(stop);
  } catch (const std::exception& e) {
    zpipe::report_fatal("zpipe-sink", log_options, log, e.what());
    return zpipe::kExitFailure;
  }
}
