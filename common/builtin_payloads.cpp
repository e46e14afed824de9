#include "common/builtin_payloads.hpp"

namespace zpipe {

Result<std::uint64_t> sleep_ms_of(const nlohmann::json& payload) {
  const auto& ms = payload.is_object() && payload.contains("ms") ? payload["ms"] : payload;
  if (ms.is_number_unsigned() && ms.get<std::uint64_t>() <= kMaxSleepMs) {
    return ms.get<std::uint64_t>();
  }
  if (ms.is_number_integer() && ms.get<std::int64_t>() >= 0 &&
      static_cast<std::uint64_t>(ms.get<std::int64_t>()) <= kMaxSleepMs) {
    return static_cast<std::uint64_t>(ms.get<std::int64_t>());
  }
  return Error{ErrorCode::kInvalid, "sleep needs a payload {\"ms\": N} with 0 <= N <= " +
                                        std::to_string(kMaxSleepMs) + " (a year)"};
}

Result<ExecCommand> exec_command_of(const nlohmann::json& payload) {
  const auto& argv = payload.is_object() && payload.contains("argv") ? payload["argv"] : payload;
  if (!argv.is_array() || argv.empty()) {
    return Error{ErrorCode::kInvalid,
                 "exec needs a payload {\"argv\": [\"program\", \"arg\", ...]} with at least the "
                 "program"};
  }
  // A NUL would cut the string short at exec: the command run would not be the one asked for.
  const auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  ExecCommand command;
  for (const auto& a : argv) {
    if (!a.is_string()) return Error{ErrorCode::kInvalid, "exec argv entries must be strings"};
    command.argv.push_back(a.get<std::string>());
    if (has_nul(command.argv.back())) {
      return Error{ErrorCode::kInvalid, "exec argv entries cannot contain a NUL character"};
    }
  }
  if (command.argv[0].empty()) {
    return Error{ErrorCode::kInvalid, "exec needs a program: argv[0] is empty"};
  }
  if (payload.is_object() && payload.contains("cwd")) {
    const auto& cwd = payload["cwd"];
    if (!cwd.is_string() || cwd.get<std::string>().empty() || has_nul(cwd.get<std::string>())) {
      return Error{ErrorCode::kInvalid, "exec cwd must be a folder's path"};
    }
    command.cwd = cwd.get<std::string>();
  }
  return command;
}

std::optional<Error> builtin_payload_problem(std::string_view type, const nlohmann::json& payload) {
  if (type == "sleep") {
    if (auto ms = sleep_ms_of(payload); !ms.ok()) return ms.error();
  } else if (type == "exec") {
    if (auto command = exec_command_of(payload); !command.ok()) return command.error();
  }
  return std::nullopt;
}

}  // namespace zpipe
