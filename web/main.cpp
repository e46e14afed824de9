// zpipe-web: the pipeline in a browser (a live dashboard, jobs, workers, queues, their buttons),
// a JSON API (docs/HTTP.md) and Prometheus metrics.
#include <exception>
#include <iostream>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "web/web_options.hpp"
#include "web/web_program.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_web_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::WebOptions>(parsed);
  std::shared_ptr<spdlog::logger> log;
  try {
    log = zpipe::make_logger("zpipe-web", options.log);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    return zpipe::run_web(options, log, stop);
  } catch (const std::exception& e) {
    zpipe::report_fatal("zpipe-web", options.log, log, e.what());
    return zpipe::kExitFailure;
  }
}
