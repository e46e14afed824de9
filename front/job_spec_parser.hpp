// Turning what a user types into JobSpecs: `zpipe submit TYPE --arg k=v ...` and JSON lines.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/result.hpp"

namespace zpipe {

struct SubmitArguments {
  std::string type;
  std::vector<std::string> args;  // "key=value"; value is JSON if it parses, else a string
  std::string payload_json;       // empty: none
  std::vector<std::string> argv;  // for exec: the command line
  std::optional<double> timeout_s;
  std::optional<std::uint32_t> max_attempts;
};

// Fails (kInvalid) with a message naming the bad argument.
Result<JobSpec> job_spec_from_arguments(const SubmitArguments& arguments);

// One JSON object per line: {"type": "echo", "payload": ..., "timeout": seconds or
// "timeout_ms": ms, "max_attempts": N}. Blank lines are skipped. Fails naming the first bad
// line ("line 3: ...").
Result<std::vector<JobSpec>> job_specs_from_json_lines(std::istream& in);

}  // namespace zpipe
