// zpipe-ventilator: accepts jobs and hands them out to workers.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/logging.hpp"
#include "common/stop_flag.hpp"
#include "ventilator/options.hpp"
#include "ventilator/ventilator.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_ventilator_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::VentilatorOptions>(parsed);
  std::shared_ptr<spdlog::logger> log;
  try {
    log = zpipe::make_logger("zpipe-ventilator", options.log);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Ventilator ventilator(options.config, log);
    return ventilator.run(stop);
  } catch (const std::exception& e) {
    zpipe::report_fatal("zpipe-ventilator", options.log, log, e.what());
    return zpipe::kExitFailure;
  }
}
