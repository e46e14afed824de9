#include "front/job_spec_parser.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

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
    if (!j.contains("type") || !j["type"].is_string() || j["type"].get<std::string>().empty()) {
      return bad("\"type\" must be a non-empty string");
    }
    JobSpec spec;
    spec.type = j["type"].get<std::string>();
    spec.payload = Payload::from_json(j.value("payload", nlohmann::json(nullptr)));
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
