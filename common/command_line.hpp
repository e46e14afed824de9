// Command-line handling shared by every program: the common flags (logging, message size, config
// file) and parsing with zpipe's exit codes (help and version: 0 on stdout; usage errors: 2 on
// stderr).
//
// Where a setting comes from, first found wins: the command line, then the --config file, then
// the ZPIPE_* variable that some flags read (the file is named on the command line, so it is
// the more deliberate choice), then the default.
#pragma once

#include <optional>
#include <string>

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

// Adds --config FILE and --print-config to `app`: a program, or one of its commands (`zpipe up`),
// whose file then sets the flags of that command and of the program (common/config_file.hpp).
// Once per app.
void add_config_options(CLI::App& app);

// Parses argv. Returns an exit code when the program should exit now (help, version, or a
// usage error already reported with a hint, a config file's naming the file and line),
// std::nullopt to go on.
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv);

// Adds --max-message-bytes, into `limits`; `help` says what it bounds for this program.
void add_max_message_bytes_option(CLI::App& app, DecodeLimits& limits, const char* help);

// After a successful parse and the program's own checks of the values: when the command run
// was given --print-config, prints the settings in effect as a config file on stdout and
// returns kExitOk; else std::nullopt.
std::optional<int> print_config_if_asked(const CLI::App& root);

// " (set in FILE line N)" when `flag`'s value ("--limit") came from the config file, else "":
// for a program's own checks of a value to say where it was written.
std::string config_file_note(const CLI::App& root, const std::string& flag);

// The end of a pipeline program's options: adds the --curve-* flags of `role`, the logging
// flags and the config file's, parses argv, and (when `load_keys`) loads the keys into `curve`.
// Returns the exit code to stop with now (help, version, a usage or key problem, said on stderr),
// else std::nullopt.
std::optional<int> parse_program_command_line(CLI::App& app, int argc, char** argv, CurveRole role,
                                              LogOptions& log, CurveSetup& curve,
                                              bool load_keys = true);

}  // namespace zpipe
