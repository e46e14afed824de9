// The JSON of everything known of one job, as `zpipe show ID --json` prints it and zpipe-web's
// /api/jobs/ID answers it (docs/HTTP.md). Its strings are as recorded and may not be UTF-8: dump
// it with nlohmann::json::error_handler_t::replace.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "front/job_facts.hpp"

namespace zpipe {

// outcome_json() of its recorded end (only {"id"} when none is recorded), with
// "attempts": [{"attempt", "status", "error_code", "error", "worker", "started_ms",
// "finished_ms", "run_us", "cpu_us", "max_rss_kb", "key"}, ...] (first first; [] when none is
// recorded), "payload" (null when none was kept) and, when it was too large to keep,
// "payload_bytes"; "now": {"state" and, when known, "attempt", "max_attempts", "worker",
// "due_ms"} when the ventilator holds it; "children": [{"id", "type", "state"}, ...] when it
// made any.
nlohmann::json show_json(const JobFacts& facts);
// Where the ventilator holds a job now, as show's "now": {"state"} and, when known, "attempt",
// "max_attempts", "worker", "due_ms".
nlohmann::json job_status_json(const JobStatus& job);

// gather_job_facts() and show_json() of them; std::nullopt when nothing knows job `id`, an Error
// when the store cannot be read.
Result<std::optional<nlohmann::json>> show_json(const ShowSources& sources, const std::string& id);

}  // namespace zpipe
