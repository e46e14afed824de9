// zpipe-worker: runs jobs from the ventilator with the built-in handlers.
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include "common/command_line.hpp"
#include "common/logging.hpp"
#include "common/stop_flag.hpp"
#include "worker/options.hpp"
#include "worker/thumbnail_loader.hpp"
#include "worker/worker.hpp"

int main(int argc, char** argv) {
  auto parsed = zpipe::parse_worker_options(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed)) return *exit_code;
  const auto& options = std::get<zpipe::WorkerOptions>(parsed);
  const auto& config = options.config;
  const auto& log_options = options.log;
  std::shared_ptr<spdlog::logger> log;
  try {
    log = zpipe::make_logger("zpipe-worker", log_options);
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    int exit_code = 0;
    // A worker for thumbnails loads libvips (about 0.2 s) while it connects, not at its first
    // job; a worker of every type stays small until it gets one.
    std::jthread preload;
    if (std::ranges::find(config.types, "thumbnail") != config.types.end()) {
      preload = std::jthread([] { (void)zpipe::load_thumbnail_plugin(); });
    }
    {
      zpipe::Worker worker(config, log);
      exit_code = worker.run(stop);
    }
    if (exit_code != 0) {
      // Handler threads that ignored cancellation may still run: leave without running
      // static destructors under them.
      log->flush();
      std::_Exit(exit_code);
    }
    return exit_code;
  } catch (const std::exception& e) {
    zpipe::report_fatal("zpipe-worker", log_options, log, e.what());
    return zpipe::kExitFailure;
  }
}
