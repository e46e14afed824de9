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

}  // namespace zpipe
