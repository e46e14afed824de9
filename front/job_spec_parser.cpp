#include "front/job_spec_parser.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/builtin_payloads.hpp"
#include "common/decode_limits.hpp"
#include "common/follow_ups.hpp"
#include "common/queue_name.hpp"
#include "common/time_point_text.hpp"
#include "front/delay_text.hpp"

namespace zpipe {
namespace {

constexpr std::array<std::string_view, 13> kJsonLineKeys{
    "type",  "payload", "timeout",    "timeout_ms", "max_attempts", "queue",     "priority",
    "delay", "run_at",  "unique_key", "batch",      "then",         "on_failure"};

// The last second of 9999-12-31, as far as parse_time_point() reads.
constexpr double kLastUnixSecond = 253'402'300'799.0;
// A century, as the longest delay (as parse_duration() takes).
constexpr double kLongestDelaySeconds = 100.0 * 366 * 24 * 3600;

// Levenshtein distance, for "did you mean" on a misspelled key.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Why `key` is not a key of a job line, suggesting the nearest one when it is close.
std::string unknown_key_message(const std::string& key) {
  std::string message = "unknown key \"" + key + "\"";
  const auto nearest = std::min_element(kJsonLineKeys.begin(), kJsonLineKeys.end(),
                                        [&](std::string_view x, std::string_view y) {
                                          return edit_distance(key, x) < edit_distance(key, y);
                                        });
  if (edit_distance(key, *nearest) <= 2) {
    message += " (did you mean \"" + std::string(*nearest) + "\"?)";
  }
  message +=
      "; a job line takes type, payload, timeout (seconds) or timeout_ms, max_attempts, queue, "
      "priority, delay (seconds) or run_at, unique_key, batch, then, on_failure";
  return message;
}

Result<std::uint64_t> timeout_ms_from_seconds(double seconds) {
  if (!(seconds > 0) || seconds > 1e9) {
    return make_error(ErrorCode::kInvalid, "timeout must be a positive number of seconds");
  }
  return static_cast<std::uint64_t>(std::ceil(seconds * 1000));
}

// What an --unique-key or "unique_key" may be.
std::optional<std::string> unique_key_problem(const std::string& key) {
  if (key.empty()) return "the unique key must not be empty";
  if (key.size() > kMaxNameBytes) {
    return "the unique key is longer than " + std::to_string(kMaxNameBytes) + " bytes";
  }
  return std::nullopt;
}

// What a --batch or "batch" may be.
std::optional<std::string> batch_id_problem(const std::string& id) {
  if (id.empty()) return "the batch id must not be empty";
  if (id.size() > kMaxNameBytes) {
    return "the batch id is longer than " + std::to_string(kMaxNameBytes) + " bytes";
  }
  return std::nullopt;
}

// Where a job spec sits, which decides what it may hold: a job of its own (a line), an entry of
// another's `then` or `on_failure` (a workflow adds keys to its payload, and it takes the
// batch, chain and on_failure of the job it follows), or a batch's callback.
enum class SpecPlace { kJob, kChainStep, kOnFailure, kBatchCallback };

// Why a spec in `place` cannot have `payload`, or nullopt when it can: a workflow adds a key to
// it, so it must be a map or absent.
std::optional<std::string> added_keys_problem(SpecPlace place, const nlohmann::json& payload) {
  if (place == SpecPlace::kJob || payload.is_null() || payload.is_object()) return std::nullopt;
  const auto adds = place == SpecPlace::kChainStep
                        ? "the chain adds " + std::string(kPreviousResultKey)
                    : place == SpecPlace::kOnFailure ? std::string(kFailedJobKey) + " is added"
                                                     : "the batch adds " + std::string(kBatchKey);
  return "payload must be a map or absent: " + adds + " to it";
}

// The Unix ms of a JSON "run_at": RFC 3339 text, or Unix seconds as a number or as text.
Result<std::uint64_t> run_at_from_json(const nlohmann::json& run_at) {
  if (run_at.is_string()) return parse_time_point(run_at.get<std::string>());
  if (run_at.is_number()) {
    const auto seconds = run_at.get<double>();
    if (!(seconds >= 0) || seconds > kLastUnixSecond) {
      return make_error(ErrorCode::kInvalid,
                        "\"run_at\" in Unix seconds must be from 0 to " +
                            std::to_string(static_cast<std::uint64_t>(kLastUnixSecond)));
    }
    if (run_at.is_number_unsigned()) return run_at.get<std::uint64_t>() * 1000;
    return static_cast<std::uint64_t>(std::llround(seconds * 1000));
  }
  return make_error(ErrorCode::kInvalid,
                    "\"run_at\" must be an RFC 3339 time (\"2026-12-24T18:00:00Z\") or Unix "
                    "seconds");
}

nlohmann::json value_from_text(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

Error invalid(std::string message) { return make_error(ErrorCode::kInvalid, std::move(message)); }

Result<JobSpec> spec_from_object(const nlohmann::json& j, std::uint64_t now_ms, SpecPlace place);

// The entries of `key` ("then", "on_failure") of a job line, each an entry of `place`.
Result<std::vector<JobSpec>> specs_from_array(const nlohmann::json& j, std::string_view key,
                                              std::uint64_t now_ms, SpecPlace place) {
  const auto& items = j.at(std::string(key));
  if (!items.is_array()) {
    return invalid("\"" + std::string(key) +
                   "\" must be an array of jobs like [{\"type\": \"echo\"}]");
  }
  if (items.size() > kMaxChainSteps) {
    return invalid("\"" + std::string(key) + "\" has " + std::to_string(items.size()) +
                   " jobs, more than the limit of " + std::to_string(kMaxChainSteps));
  }
  std::vector<JobSpec> specs;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto spec = spec_from_object(items[i], now_ms, place);
    if (!spec.ok()) {
      return invalid(std::string(key) + "[" + std::to_string(i) + "]: " + spec.error().message);
    }
    specs.push_back(std::move(spec).value());
  }
  return specs;
}

// One job spec from a JSON object of a line's form; errors name what is wrong, not where.
Result<JobSpec> spec_from_object(const nlohmann::json& j, std::uint64_t now_ms, SpecPlace place) {
  if (!j.is_object()) {
    return invalid("expected a JSON object like {\"type\": \"echo\", \"payload\": {}}");
  }
  // A misspelt key ("timout") silently ignored would give the job a default it was not meant
  // to have.
  for (const auto& [key, value] : j.items()) {
    if (std::find(kJsonLineKeys.begin(), kJsonLineKeys.end(), key) == kJsonLineKeys.end()) {
      return invalid(unknown_key_message(key));
    }
  }
  const bool is_entry = place == SpecPlace::kChainStep || place == SpecPlace::kOnFailure;
  if (is_entry && (j.contains("then") || j.contains("on_failure") || j.contains("batch"))) {
    return invalid(
        "a chain step or on_failure job has no \"then\", \"on_failure\" or \"batch\" of its "
        "own: it takes those of the job it follows");
  }
  if (place == SpecPlace::kBatchCallback && j.contains("batch")) {
    return invalid("a batch's callback belongs to no batch: leave \"batch\" out");
  }
  if (!j.contains("type") || !j["type"].is_string() || j["type"].get<std::string>().empty()) {
    return invalid("\"type\" must be a non-empty string");
  }
  JobSpec spec;
  spec.type = j["type"].get<std::string>();
  const auto payload = j.value("payload", nlohmann::json(nullptr));
  if (auto problem = added_keys_problem(place, payload)) return invalid(*problem);
  if (auto problem = builtin_payload_problem(spec.type, payload)) return *problem;
  spec.payload = Payload::from_json(payload);
  if (j.contains("timeout") && j.contains("timeout_ms")) {
    return invalid("give \"timeout\" (seconds) or \"timeout_ms\", not both");
  }
  if (j.contains("timeout")) {
    if (!j["timeout"].is_number()) return invalid("\"timeout\" must be a number of seconds");
    auto ms = timeout_ms_from_seconds(j["timeout"].get<double>());
    if (!ms.ok()) return invalid(ms.error().message);
    spec.timeout_ms = ms.value();
  } else if (j.contains("timeout_ms")) {
    if (!j["timeout_ms"].is_number_unsigned() || j["timeout_ms"].get<std::uint64_t>() == 0) {
      return invalid("\"timeout_ms\" must be a positive integer");
    }
    spec.timeout_ms = j["timeout_ms"].get<std::uint64_t>();
  }
  if (j.contains("max_attempts")) {
    const auto& m = j["max_attempts"];
    if (!m.is_number_unsigned() || m.get<std::uint64_t>() == 0 ||
        m.get<std::uint64_t>() > 1'000'000) {
      return invalid("\"max_attempts\" must be a positive integer");
    }
    spec.max_attempts = m.get<std::uint32_t>();
  }
  if (j.contains("queue")) {
    if (!j["queue"].is_string()) return invalid("\"queue\" must be a string, such as \"mail\"");
    if (auto problem = queue_name_problem(j["queue"].get<std::string>())) return invalid(*problem);
    spec.queue = j["queue"].get<std::string>();
  }
  if (j.contains("priority")) {
    const auto& p = j["priority"];
    if (!p.is_number_integer() || p.get<std::int64_t>() < INT32_MIN ||
        p.get<std::int64_t>() > INT32_MAX) {
      return invalid(
          "\"priority\" must be a whole number (a 32-bit signed integer; lower runs "
          "first)");
    }
    spec.priority = p.get<std::int32_t>();
  }
  if (j.contains("delay") && j.contains("run_at")) {
    return invalid("give \"delay\" (seconds) or \"run_at\", not both");
  }
  if (j.contains("delay")) {
    const auto& d = j["delay"];
    if (!d.is_number() || !(d.get<double>() >= 0) || d.get<double>() > kLongestDelaySeconds) {
      return invalid("\"delay\" must be a number of seconds, from 0 to a century");
    }
    const auto delay_ms = static_cast<std::uint64_t>(std::llround(d.get<double>() * 1000));
    if (delay_ms > 0) spec.run_at_ms = now_ms + delay_ms;
  }
  if (j.contains("run_at")) {
    auto run_at = run_at_from_json(j["run_at"]);
    if (!run_at.ok()) return invalid(run_at.error().message);
    spec.run_at_ms = run_at.value();
  }
  if (j.contains("unique_key")) {
    if (!j["unique_key"].is_string()) return invalid("\"unique_key\" must be a string");
    if (auto problem = unique_key_problem(j["unique_key"].get<std::string>())) {
      return invalid(*problem);
    }
    spec.unique_key = j["unique_key"].get<std::string>();
  }
  if (j.contains("batch")) {
    if (!j["batch"].is_string()) return invalid("\"batch\" must be a string: a batch's id");
    if (auto problem = batch_id_problem(j["batch"].get<std::string>())) return invalid(*problem);
    spec.batch = j["batch"].get<std::string>();
  }
  for (auto [key, entries, entry_place] :
       {std::tuple{"then", &spec.then, SpecPlace::kChainStep},
        std::tuple{"on_failure", &spec.on_failure, SpecPlace::kOnFailure}}) {
    if (!j.contains(key)) continue;
    auto specs = specs_from_array(j, key, now_ms, entry_place);
    if (!specs.ok()) return specs.error();
    *entries = std::move(specs).value();
  }
  return spec;
}

// job_spec_from_arguments(), its errors naming the flag of payload fields `arg_flag`.
Result<JobSpec> spec_from_arguments(const SubmitArguments& a, std::uint64_t now_ms,
                                    std::string_view arg_flag) {
  JobSpec spec;
  spec.type = a.type;
  if (spec.type.empty()) return make_error(ErrorCode::kInvalid, "the job type must not be empty");
  nlohmann::json payload = nullptr;
  if (!a.payload_json.empty()) {
    payload = nlohmann::json::parse(a.payload_json, nullptr, false);
    if (payload.is_discarded()) {
      return make_error(ErrorCode::kInvalid, "--payload is not valid JSON: " + a.payload_json);
    }
  }
  if (!a.args.empty() || !a.argv.empty()) {
    if (payload.is_null()) payload = nlohmann::json::object();
    if (!payload.is_object()) {
      return make_error(ErrorCode::kInvalid,
                        "--arg and a command line need --payload to be a JSON object");
    }
  }
  for (const auto& arg : a.args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return invalid(std::string(arg_flag) + " wants key=value, got '" + arg + "'");
    }
    payload[arg.substr(0, eq)] = value_from_text(arg.substr(eq + 1));
  }
  if (!a.argv.empty()) payload["argv"] = a.argv;
  if (auto problem = builtin_payload_problem(spec.type, payload)) return *problem;
  spec.payload = Payload::from_json(payload);
  if (a.timeout_s) {
    auto ms = timeout_ms_from_seconds(*a.timeout_s);
    if (!ms.ok()) return ms.error();
    spec.timeout_ms = ms.value();
  }
  if (a.max_attempts) {
    if (*a.max_attempts == 0)
      return make_error(ErrorCode::kInvalid, "--max-attempts must be at least 1");
    spec.max_attempts = *a.max_attempts;
  }
  if (a.queue) {
    if (auto problem = queue_name_problem(*a.queue)) {
      return make_error(ErrorCode::kInvalid, "--queue: " + *problem);
    }
    spec.queue = *a.queue;
  }
  if (a.priority) spec.priority = *a.priority;
  if (!a.in.empty() && !a.at.empty()) {
    return make_error(ErrorCode::kInvalid, "give --in or --at, not both");
  }
  if (!a.in.empty()) {
    auto delay = parse_delay(a.in);
    if (!delay.ok()) return make_error(ErrorCode::kInvalid, "--in: " + delay.error().message);
    spec.run_at_ms = now_ms + static_cast<std::uint64_t>(delay.value().count());
  }
  if (!a.at.empty()) {
    auto at = parse_time_point(a.at);
    if (!at.ok()) return make_error(ErrorCode::kInvalid, "--at: " + at.error().message);
    spec.run_at_ms = at.value();
  }
  if (a.unique_key) {
    if (auto problem = unique_key_problem(*a.unique_key)) {
      return make_error(ErrorCode::kInvalid, "--unique-key: " + *problem);
    }
    spec.unique_key = *a.unique_key;
  }
  if (a.batch) {
    if (auto problem = batch_id_problem(*a.batch)) return invalid("--batch: " + *problem);
    spec.batch = *a.batch;
  }
  for (auto [flag, entries, specs] :
       {std::tuple{"--then", &a.then, &spec.then},
        std::tuple{"--on-failure", &a.on_failure, &spec.on_failure}}) {
    if (entries->size() > kMaxChainSteps) {
      return invalid("at most " + std::to_string(kMaxChainSteps) + " " + flag + " jobs");
    }
    for (const auto& entry : *entries) {
      // Their payload is a map or nothing (only --then-arg or --on-failure-arg make it), as a
      // workflow needs; they have no chain or batch of their own.
      auto step = spec_from_arguments(entry, now_ms, std::string(flag) + "-arg");
      if (!step.ok())
        return invalid(std::string(flag) + " " + entry.type + ": " + step.error().message);
      specs->push_back(std::move(step).value());
    }
  }
  return spec;
}

}  // namespace

Result<JobSpec> job_spec_from_arguments(const SubmitArguments& a, std::uint64_t now_ms) {
  return spec_from_arguments(a, now_ms, "--arg");
}

Result<std::vector<JobSpec>> job_specs_from_json_lines(std::istream& in, std::uint64_t now_ms) {
  std::vector<JobSpec> specs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto bad = [&](const std::string& why) {
      return make_error(ErrorCode::kInvalid, "line " + std::to_string(number) + ": " + why);
    };
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return bad("not valid JSON");
    auto spec = spec_from_object(j, now_ms, SpecPlace::kJob);
    if (!spec.ok()) return bad(spec.error().message);
    specs.push_back(std::move(spec).value());
  }
  return specs;
}

Result<JobSpec> batch_callback_from_json(const std::string& text, std::uint64_t now_ms) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return invalid("not valid JSON: " + text);
  return spec_from_object(j, now_ms, SpecPlace::kBatchCallback);
}

Result<std::vector<JobSpec>> job_specs_from_jsonl_file(const std::string& path,
                                                       std::uint64_t now_ms) {
  if (path == "-") return job_specs_from_json_lines(std::cin, now_ms);
  std::ifstream file(path);
  if (!file) return make_error(ErrorCode::kUnavailable, "cannot read " + path);
  auto specs = job_specs_from_json_lines(file, now_ms);
  if (!specs.ok()) return make_error(specs.error().code, path + " " + specs.error().message);
  return specs;
}

}  // namespace zpipe
