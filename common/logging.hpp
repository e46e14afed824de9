// Logging set-up: spdlog to stderr by default, to a file on request, at a chosen level.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace zpipe {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  std::string file;            // empty: stderr
};

// Throws std::runtime_error when the level is unknown or the file cannot be opened.
std::shared_ptr<spdlog::logger> make_logger(const std::string& program, const LogOptions& options);

// What stops a program, said once: as a critical line of its log, with time and pid like every
// other line, when the log was made (`log` non-null); and plainly on stderr too when the log
// goes to a file, or there is no log yet, so that a user at the terminal sees it.
void report_fatal(const std::string& program, const LogOptions& options,
                  const std::shared_ptr<spdlog::logger>& log, const std::string& what);

}  // namespace zpipe
