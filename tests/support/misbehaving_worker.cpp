// zpipe-misbehaving-worker: a worker whose handlers do what real ones must not (segfault,
// abort, eat memory, ignore cancellation), to show that --isolate records such jobs as failures
// and serves on, and that a cancel is recorded even when the handler does not heed it.
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <thread>
#include <vector>

#include "common/command_line.hpp"
#include "common/stop_flag.hpp"
#include "worker/worker.hpp"

int main(int argc, char** argv) {
  zpipe::WorkerConfig config;
  zpipe::LogOptions log_options;
  double memory_limit_mb = 0;
  CLI::App app{"zpipe-misbehaving-worker: handlers that crash, for tests",
               "zpipe-misbehaving-worker"};
  app.add_option("--jobs-from", config.jobs_endpoint);
  app.add_option("--outcomes-to", config.outcomes_endpoint);
  app.add_option("--events-to", config.events_endpoint);
  app.add_option("--concurrency,-c", config.concurrency);
  app.add_flag("--isolate", config.isolate);
  app.add_option("--memory-limit", memory_limit_mb);
  zpipe::add_logging_options(app, log_options);
  if (auto exit_code = zpipe::parse_command_line(app, argc, argv)) return *exit_code;
  config.isolation.memory_limit_bytes = static_cast<std::uint64_t>(memory_limit_mb * 1024 * 1024);

  try {
    zpipe::StopFlag stop;
    zpipe::install_stop_signals(stop);
    zpipe::Worker worker(config, zpipe::make_logger("zpipe-misbehaving-worker", log_options));
    worker.handle("segfault", [](const zpipe::Job&, const zpipe::JobContext&) {
      std::raise(SIGSEGV);
      return zpipe::succeed();
    });
    worker.handle("abort", [](const zpipe::Job&, const zpipe::JobContext&) {
      std::abort();
      return zpipe::succeed();
    });
    // Allocates and touches 1 GiB in 16 MiB pieces.
    worker.handle("hog", [](const zpipe::Job&, const zpipe::JobContext&) {
      std::vector<std::vector<char>> pieces;
      for (int i = 0; i < 64; ++i) pieces.emplace_back(16 << 20, 'x');
      return zpipe::succeed({{"pieces", pieces.size()}});
    });
    // Sleeps {"ms": N} without ever looking at its cancellation.
    worker.handle("stubborn", [](const zpipe::Job& job, const zpipe::JobContext&) {
      const auto ms = job.payload.to_json().value("ms", 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return zpipe::succeed({{"slept_ms", ms}});
    });
    return worker.run(stop);
  } catch (const std::exception& e) {
    std::cerr << "zpipe-misbehaving-worker: " << e.what() << "\n";
    return zpipe::kExitFailure;
  }
}
