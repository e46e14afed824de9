// Command-line handling shared by every program: the common flags (logging, message size)
// and parsing with zpipe's exit codes (help and version: 0 on stdout; usage errors: 2 on stderr).
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

#include "common/curve_options.hpp"
#include "common/decode_limits.hpp"
#include "common/logging.hpp"

namespace zpipe {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Adds --log-level, --log-file and --version to `app`.
void add_logging_options(CLI::App& app, LogOptions& options);

// Parses argv. Returns an exit code when the program should exit now (help, version, or a
// usage error already reported with a hint), std::nullopt to go on.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

// Adds --max-message-bytes, into `limits`; `help` says what it bounds for this program.
void add_max_message_bytes_option(CLI::App& app, DecodeLimits& limits, const char* help);

// The end of a pipeline program's options: adds the --curve-* flags of `role` and the logging
// flags, parses argv, and (when `load_keys`) loads the keys into `curve`. Returns the exit code
// to stop with now (help, version, a usage or key problem, said on stderr), else std::nullopt.
std::optional<int> parse_program_command_line(CLI::App& app, int argc, char** argv, CurveRole role,
                                              LogOptions& log, CurveSetup& curve,
                                              bool load_keys = true);

}  // namespace zpipe
