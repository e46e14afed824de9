#include "front/job_spec_parser.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/builtin_payloads.hpp"

namespace zpipe {
namespace {

constexpr std::array<std::string_view, 5> kJsonLineKeys{"type", "payload", "timeout", "timeout_ms",
                                                        "max_attempts"};

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
  message += "; a job line takes type, payload, timeout (seconds) or timeout_ms, max_attempts";
  return message;
}

Result<std::uint64_t> timeout_ms_from_seconds(double seconds) {
  if (!(seconds > 0) || seconds > 1e9) {
    return make_error(ErrorCode::kInvalid, "timeout must be a positive number of seconds");
  }
  return static_cast<std::uint64_t>(std::ceil(seconds * 1000));
}

nlohmann::json value_from_text(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

}  // namespace

Result<JobSpec> job_spec_from_arguments(const SubmitArguments& a) {
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
      return make_error(ErrorCode::kInvalid, "--arg wants key=value, got '" + arg + "'");
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
  return spec;
}

Result<std::vector<JobSpec>> job_specs_from_json_lines(std::istream& in) {
  std::vector<JobSpec> specs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto bad = [&](const std::string& why) {
      return make_error(ErrorCode::kInvalid, "line " + std::to_string(number) + ": " + why);
    };
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return bad("not valid JSON");
    if (!j.is_object())
      return bad("expected a JSON object like {\"type\": \"echo\", \"payload\": {}}");
    // A misspelt key ("timout") silently ignored would give the job a default it was not meant
    // to have.
    for (const auto& [key, value] : j.items()) {
      if (std::find(kJsonLineKeys.begin(), kJsonLineKeys.end(), key) == kJsonLineKeys.end()) {
        return bad(unknown_key_message(key));
      }
    }
    if (j.contains("timeout") && j.contains("timeout_ms")) {
      return bad("give \"timeout\" (seconds) or \"timeout_ms\", not both");
    }
    if (!j.contains("type") || !j["type"].is_string() || j["type"].get<std::string>().empty()) {
      return bad("\"type\" must be a non-empty string");
    }
    JobSpec spec;
    spec.type = j["type"].get<std::string>();
    const auto payload = j.value("payload", nlohmann::json(nullptr));
    if (auto problem = builtin_payload_problem(spec.type, payload)) return bad(problem->message);
    spec.payload = Payload::from_json(payload);
    if (j.contains("timeout")) {
      if (!j["timeout"].is_number()) return bad("\"timeout\" must be a number of seconds");
      auto ms = timeout_ms_from_seconds(j["timeout"].get<double>());
      if (!ms.ok()) return bad(ms.error().message);
      spec.timeout_ms = ms.value();
    } else if (j.contains("timeout_ms")) {
      if (!j["timeout_ms"].is_number_unsigned() || j["timeout_ms"].get<std::uint64_t>() == 0) {
        return bad("\"timeout_ms\" must be a positive integer");
      }
      spec.timeout_ms = j["timeout_ms"].get<std::uint64_t>();
    }
    if (j.contains("max_attempts")) {
      const auto& m = j["max_attempts"];
      if (!m.is_number_unsigned() || m.get<std::uint64_t>() == 0 ||
          m.get<std::uint64_t>() > 1'000'000) {
        return bad("\"max_attempts\" must be a positive integer");
      }
      spec.max_attempts = m.get<std::uint32_t>();
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace zpipe
