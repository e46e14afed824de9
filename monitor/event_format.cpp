#include "monitor/event_format.hpp"

#include <time.h>

#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

// Values with spaces, quotes, '=' or control characters are shown as JSON strings, so that one
// event stays one line and a script can split it.
bool needs_quotes(const std::string& value) {
  if (value.empty()) return true;
  for (const char byte : value) {
    const auto c = static_cast<unsigned char>(byte);
    if (c < 0x20 || c == 0x7f || c == ' ' || c == '"' || c == '=') return true;
  }
  return false;
}

// Never throws: bytes that are not UTF-8 become U+FFFD.
std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ANSI colour of an event's name: failures red, successes green, starts cyan, workers yellow.
const char* color_of(const std::string& name) {
  if (name == "job.failed" || name == "input.refused" || name == "worker.down") return "\x1b[31m";
  if (name == "job.succeeded") return "\x1b[32m";
  if (name == "job.started") return "\x1b[36m";
  if (name.rfind("worker.", 0) == 0) return "\x1b[33m";
  return "\x1b[2m";  // dim: accepted, state snapshots
}

}  // namespace

std::string format_event_line(const Event& event, bool color) {
  const auto seconds = static_cast<time_t>(event.time_ms / 1000);
  struct tm local {};
  localtime_r(&seconds, &local);
  char clock[16];
  std::strftime(clock, sizeof clock, "%H:%M:%S", &local);
  std::string line =
      std::string(clock) + "." + std::to_string(event.time_ms % 1000 + 1000).substr(1);
  std::string name = event.name;
  name.resize(std::max<std::size_t>(name.size(), 18), ' ');
  line += " " + (color ? color_of(event.name) + name + "\x1b[0m" : name) + " " + event.source;
  for (const auto& [key, value] : event.fields) {
    line += " " + key + "=" + (needs_quotes(value) ? json_text(value) : value);
  }
  return line;
}

std::string format_event_json(const Event& event) {
  nlohmann::json j = {{"name", event.name},
                      {"source", event.source},
                      {"seq", event.seq},
                      {"time_ms", event.time_ms},
                      {"fields", event.fields}};
  return json_text(j);
}

}  // namespace zpipe
