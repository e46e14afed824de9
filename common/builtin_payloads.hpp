// The payloads of the built-in job types that take arguments (sleep, exec), read in one place:
// the worker's handlers run what these return, and `zpipe submit` refuses what they refuse,
// so that a job that could never run is refused at submit rather than failed at a worker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace zpipe {

// sleep: {"ms": N} or N, with 0 <= N <= kMaxSleepMs. A year at most: larger numbers (up to
// 2^64 - 1) would wrap into a negative duration.
inline constexpr std::uint64_t kMaxSleepMs = 365ULL * 24 * 3600 * 1000;
Result<std::uint64_t> sleep_ms_of(const nlohmann::json& payload);

// exec: {"argv": ["program", "arg", ...], "cwd": "folder"} or the argv array alone.
struct ExecCommand {
  std::vector<std::string> argv;  // argv[0] non-empty; no entry holds a NUL
  std::optional<std::string> cwd;
};
Result<ExecCommand> exec_command_of(const nlohmann::json& payload);

// What is wrong with a payload of a built-in type (kInvalid), if anything; nothing for the
// types whose payload the worker alone can judge (thumbnail reads files) or that take anything.
std::optional<Error> builtin_payload_problem(std::string_view type, const nlohmann::json& payload);

}  // namespace zpipe
