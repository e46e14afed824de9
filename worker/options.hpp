// The worker's command line: every flag with its help and its checks, made into a
// WorkerConfig. Apart from main() so that tests can parse command lines.
#pragma once

#include <variant>

#include "common/logging.hpp"
#include "worker/worker_config.hpp"

namespace zpipe {

struct WorkerOptions {
  WorkerConfig config;
  LogOptions log;
};

// What `argv` asks for, or the exit code to stop with now: 0 after --help or --version,
// kExitUsage after a usage error or when the CURVE keys cannot be read (said on stderr, with a
// hint).
std::variant<WorkerOptions, int> parse_worker_options(int argc, char** argv);

}  // namespace zpipe
