#include "front/show_json.hpp"

#include "front/job_payload_text.hpp"
#include "front/outcome_json.hpp"

namespace zpipe {
namespace {

nlohmann::json attempt_json(const Outcome& a) {
  return {{"attempt", a.attempt},
          {"status", to_string(a.status)},
          {"error_code", a.error_code},
          {"error", a.error},
          {"worker", a.worker},
          {"started_ms", a.started_ms},
          {"finished_ms", a.finished_ms},
          {"run_us", a.run_us},
          {"cpu_us", a.cpu_us},
          {"max_rss_kb", a.max_rss_kb},
          {"key", a.key}};
}

}  // namespace

nlohmann::json job_status_json(const JobStatus& job) {
  nlohmann::json j{{"state", to_string(job.state)}};
  if (job.attempt != 0) j["attempt"] = job.attempt;
  if (job.max_attempts != 0) j["max_attempts"] = job.max_attempts;
  if (!job.worker.empty()) j["worker"] = job.worker;
  if (job.due_ms != 0) j["due_ms"] = job.due_ms;
  return j;
}

nlohmann::json show_json(const JobFacts& facts) {
  nlohmann::json j = facts.row ? outcome_json(*facts.row) : nlohmann::json{{"id", facts.id}};
  auto attempts = nlohmann::json::array();
  for (const auto& a : facts.attempts) attempts.push_back(attempt_json(a));
  j["attempts"] = attempts;
  if (facts.now) j["now"] = job_status_json(*facts.now);
  if (!facts.children.empty()) {
    auto children = nlohmann::json::array();
    for (const auto& child : facts.children) {
      children.push_back({{"id", child.id}, {"type", child.type}, {"state", child.state}});
    }
    j["children"] = children;
  }
  add_job_payload_fields(j, facts.attempts);
  return j;
}

Result<std::optional<nlohmann::json>> show_json(const ShowSources& sources, const std::string& id) {
  auto facts = gather_job_facts(sources, id);
  if (!facts.ok()) return facts.error();
  if (!facts.value().is_known()) return std::optional<nlohmann::json>{};
  return std::optional<nlohmann::json>{show_json(facts.value())};
}

}  // namespace zpipe
