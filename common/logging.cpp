#include "common/logging.hpp"

#include <iostream>
#include <stdexcept>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace zpipe {

std::shared_ptr<spdlog::logger> make_logger(const std::string& program, const LogOptions& options) {
  const auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    throw std::runtime_error("unknown log level '" + options.level +
                             "' (use trace, debug, info, warn, error, critical or off)");
  }
  spdlog::sink_ptr sink;
  try {
    if (options.file.empty()) {
      sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
    }
  } catch (const spdlog::spdlog_ex& e) {
    throw std::runtime_error("cannot open log file " + options.file + ": " + e.what());
  }
  auto logger = std::make_shared<spdlog::logger>(program, std::move(sink));
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %n[%P]: %v");
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  // Logging must never throw into component code.
  logger->set_error_handler([](const std::string&) {});
  return logger;
}

void report_fatal(const std::string& program, const LogOptions& options,
                  const std::shared_ptr<spdlog::logger>& log, const std::string& what) {
  if (log) {
    log->critical("{}", what);
    log->flush();
  }
  if (!log || !options.file.empty()) std::cerr << program << ": " << what << "\n";
}

}  // namespace zpipe
