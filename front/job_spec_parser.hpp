// Turning what a user types into JobSpecs: `zpipe submit TYPE --arg k=v ...` and JSON lines.
#pragma once

#include <cstdint>
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
  std::optional<std::string> queue;      // none: the default queue
  std::optional<std::int32_t> priority;  // lower runs first within its queue
  std::string in;                        // --in: a delay, "90s" (front/delay_text.hpp)
  std::string at;                        // --at: RFC 3339 or Unix seconds
  std::optional<std::string> unique_key;
  std::optional<std::string> batch;  // --batch: an open batch's id
  // --then TYPE and --on-failure TYPE, each with its own --then-arg or --on-failure-arg k=v
  // (`type` and `args` only), in the order given.
  std::vector<SubmitArguments> then{};
  std::vector<SubmitArguments> on_failure{};
};

// Fails (kInvalid) with a message naming the bad argument. `now_ms` (Unix ms) is the moment
// --in counts from.
Result<JobSpec> job_spec_from_arguments(const SubmitArguments& arguments, std::uint64_t now_ms);

// One JSON object per line: {"type": "echo", "payload": ..., "timeout": seconds or
// "timeout_ms": ms, "max_attempts": N, "queue": "mail", "priority": -5, "delay": seconds or
// "run_at": RFC 3339 or Unix seconds, "unique_key": "...", "batch": "ID", "then": [{job}, ...],
// "on_failure": [{job}, ...]}. Entries of "then" and "on_failure" take the same keys but
// "batch", "then" and "on_failure", at most kMaxChainSteps of each, and their payload must be a
// map or absent (a workflow adds to it). Blank lines are skipped. Fails naming the first bad line
// and entry ("line 3: then[1]: ..."). `now_ms` (Unix ms) is the moment "delay" counts from.
Result<std::vector<JobSpec>> job_specs_from_json_lines(std::istream& in, std::uint64_t now_ms);
// The same from the file at `path` ("-": standard input); errors name the file.
Result<std::vector<JobSpec>> job_specs_from_jsonl_file(const std::string& path,
                                                       std::uint64_t now_ms);

// One job as a JSON object of a line's form, for a batch's callback (`zpipe batch submit
// --on-complete`): no "batch", and a payload that is a map or absent (the batch's summary is
// added to it). Fails (kInvalid) saying what is wrong.
Result<JobSpec> batch_callback_from_json(const std::string& text, std::uint64_t now_ms);

}  // namespace zpipe
