#include "front/local_pipeline_options.hpp"

namespace zpipe {

void add_local_pipeline_options(CLI::App& app, LocalPipelineConfig& config, int min_workers,
                                const std::string& data_dir_help) {
  app.add_option("--workers,-w", config.workers, "Worker processes")
      ->capture_default_str()
      ->check(CLI::Range(min_workers, 256));
  app.add_option("--concurrency,-c", config.concurrency, "Jobs each worker runs at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--data-dir", config.data_dir, data_dir_help)->capture_default_str();
  if (!config.private_sockets) {
    app.add_option("--port-base", config.port_base, "First of the six loopback ports used")
        ->capture_default_str()
        ->check(CLI::Range(1024, 65530));
  }
  app.add_option("--log-level", config.log_level, "Log level of the programs")
      ->capture_default_str();
  app.add_option("--log-file", config.log_file,
                 "Send the programs' logs to this file instead of the terminal");
  app.add_flag_callback(
      "--isolate", [&config] { config.worker_args.push_back("--isolate"); },
      "Workers run each job in a process of its own: a crash fails that job, not the worker");
}

}  // namespace zpipe
