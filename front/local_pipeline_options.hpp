// The command-line options of the commands that start a LocalPipeline (up, demo).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "front/local_pipeline.hpp"

namespace zpipe {

// --workers (at least `min_workers`), --concurrency, --data-dir (described by
// `data_dir_help`), --port-base (unless `private_sockets`: the command's pipeline meets on a
// PrivateSocketDir), --log-level and --log-file, bound to `config`.
void add_local_pipeline_options(CLI::App& app, LocalPipelineConfig& config, int min_workers,
                                const std::string& data_dir_help, bool private_sockets = false);

}  // namespace zpipe
