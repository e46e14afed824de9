#include "monitor/event_format.hpp"

#include <time.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>
#include <set>

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

// ANSI colour of an event's name: failures red, successes green, cancels magenta, starts cyan,
// workers yellow.
const char* color_of(const std::string& name) {
  if (name == "job.failed" || name == "input.refused" || name == "worker.down") return "\x1b[31m";
  if (name == "job.succeeded") return "\x1b[32m";
  if (name == "job.cancelled") return "\x1b[35m";
  if (name == "job.started") return "\x1b[36m";
  if (name.rfind("worker.", 0) == 0) return "\x1b[33m";
  return "\x1b[2m";  // dim: accepted, state snapshots
}

// Fields that always carry text, even when one happens to look like a number (a job type "404",
// an error "42"): a script gets one JSON type per field.
bool is_text_field(const std::string& key) {
  static const std::set<std::string> kText = {
      "job",     "type",   "job_type", "code",  "error",  "state",      "reason",
      "what",    "worker", "by",       "queue", "queues", "component",  "socket",
      "handles", "key",    "message",  "batch", "parent", "description"};
  return kText.count(key) != 0;
}

// A field's value as JSON: a number when it is written as one (the wire carries every value as
// text), else the text. Integers keep every digit; other numbers go through a double.
nlohmann::json field_value(const std::string& key, const std::string& value) {
  static const std::regex kJsonNumber(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  if (is_text_field(key) || !std::regex_match(value, kJsonNumber)) return value;
  const char* begin = value.data();
  const char* end = begin + value.size();
  auto reads_all = [end](std::from_chars_result r) { return r.ec == std::errc() && r.ptr == end; };
  if (std::uint64_t whole = 0; reads_all(std::from_chars(begin, end, whole))) return whole;
  if (std::int64_t negative = 0; reads_all(std::from_chars(begin, end, negative))) return negative;
  const bool integral = value.find_first_of(".eE") == std::string::npos;
  double real = 0;
  // An integer too long for 64 bits would lose digits as a double: it stays text.
  if (integral || !reads_all(std::from_chars(begin, end, real)) || !std::isfinite(real)) {
    return value;
  }
  return real;
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
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, value] : event.fields) fields[key] = field_value(key, value);
  nlohmann::json j = {{"name", event.name},
                      {"source", event.source},
                      {"seq", event.seq},
                      {"time_ms", event.time_ms},
                      {"fields", std::move(fields)}};
  return json_text(j);
}

}  // namespace zpipe
