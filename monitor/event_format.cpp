#include "monitor/event_format.hpp"

#include <time.h>

#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

bool needs_quotes(const std::string& value) {
  return value.empty() || value.find_first_of(" \t\"=") != std::string::npos;
}

}  // namespace

std::string format_event_line(const Event& event) {
  const auto seconds = static_cast<time_t>(event.time_ms / 1000);
  struct tm local {};
  localtime_r(&seconds, &local);
  char clock[16];
  std::strftime(clock, sizeof clock, "%H:%M:%S", &local);
  std::string line =
      std::string(clock) + "." + std::to_string(event.time_ms % 1000 + 1000).substr(1);
  std::string name = event.name;
  name.resize(std::max<std::size_t>(name.size(), 18), ' ');
  line += " " + name + " " + event.source;
  for (const auto& [key, value] : event.fields) {
    line += " " + key + "=" + (needs_quotes(value) ? nlohmann::json(value).dump() : value);
  }
  return line;
}

std::string format_event_json(const Event& event) {
  nlohmann::json j = {{"name", event.name},
                      {"source", event.source},
                      {"seq", event.seq},
                      {"time_ms", event.time_ms},
                      {"fields", event.fields}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zpipe
