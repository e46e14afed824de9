// The command-line options of the commands that start a LocalPipeline (up, demo).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "front/local_pipeline.hpp"

namespace zpipe {

// --workers (at least `min_workers`), --concurrency, --data-dir (described by
// `data_dir_help`), --port-base (unless config.private_sockets), --log-level and --log-file,
// bound to `config`.
void add_local_pipeline_options(CLI::App& app, LocalPipelineConfig& config, int min_workers,
                                const std::string& data_dir_help);

}  // namespace zpipe
