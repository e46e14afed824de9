#include "front/job_payload_text.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "common/plural.hpp"
#include "common/utf8.hpp"
#include "front/byte_size_text.hpp"

namespace zpipe {
namespace {

// The latest attempt that says anything of the payload: every attempt runs the same one, but an
// older worker may have run some of them and sent none back.
const Outcome* attempt_with_payload(const std::vector<Outcome>& attempts) {
  for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {
    if (it->payload || it->payload_bytes != 0) return &*it;
  }
  return nullptr;
}

std::string dump_pretty(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void add_job_payload_fields(nlohmann::json& show, const std::vector<Outcome>& attempts) {
  const auto* attempt = attempt_with_payload(attempts);
  show["payload"] = attempt && attempt->payload ? attempt->payload->to_json() : nullptr;
  if (attempt && !attempt->payload) show["payload_bytes"] = attempt->payload_bytes;
}

std::string job_payload_text(const std::string& id, const std::vector<Outcome>& attempts,
                             std::optional<std::size_t> max_lines,
                             std::optional<std::size_t> width) {
  const auto* attempt = attempt_with_payload(attempts);
  if (attempt == nullptr) {
    return "payload       not recorded (the worker that ran it was older than zpipe's payload "
           "records)\n";
  }
  if (!attempt->payload) {
    return "payload       payload of " + byte_size_text(attempt->payload_bytes) +
           " not kept (a worker sends back payloads of 64 KiB at most, and the sink keeps none "
           "while its disk is short of room)\n";
  }
  std::istringstream pretty(dump_pretty(attempt->payload->to_json()));
  std::vector<std::string> lines;
  for (std::string line; std::getline(pretty, line);) lines.push_back(std::move(line));
  std::string text = "payload\n";
  const auto shown = std::min(lines.size(), max_lines.value_or(lines.size()));
  for (std::size_t i = 0; i < shown; ++i) {
    auto& line = lines[i];
    if (width && line.size() > *width) line = std::string(utf8_prefix(line, *width - 1)) + "…";
    text += line + "\n";
  }
  if (shown < lines.size()) {
    text += "… " + count_noun(lines.size() - shown, "more line") + ": zpipe show " + id +
            " --json prints the whole payload\n";
  }
  return text;
}

std::optional<std::size_t> payload_lines_for(std::optional<std::size_t> rows) {
  if (!rows) return std::nullopt;
  return std::max<std::size_t>(10, *rows / 2);
}

std::optional<std::size_t> terminal_rows(int fd) {
  winsize size{};
  if (::isatty(fd) == 0 || ::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0) {
    return std::nullopt;
  }
  return size.ws_row;
}

}  // namespace zpipe
