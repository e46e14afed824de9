// The ventilator's command line: every flag with its help and its checks, made into a
// VentilatorConfig. Apart from main() so that tests can parse command lines.
#pragma once

#include <variant>

#include "common/logging.hpp"
#include "ventilator/ventilator_config.hpp"

namespace zpipe {

struct VentilatorOptions {
  VentilatorConfig config;
  LogOptions log;
};

// What `argv` asks for, or the exit code to stop with now: 0 after --help or --version,
// kExitUsage after a usage error or when the CURVE keys cannot be read (said on stderr, with a
// hint).
std::variant<VentilatorOptions, int> parse_ventilator_options(int argc, char** argv);

}  // namespace zpipe
