// The JSON of one recorded job, as `zpipe results --json` and `zpipe failures --json` list it,
// `zpipe show ID --json` begins with it, and zpipe-web's /api/jobs pages list it (docs/HTTP.md).
// Its strings are as the store recorded them and may not be UTF-8: dump it with
// nlohmann::json::error_handler_t::replace, as those commands do.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "common/outcome_store.hpp"

namespace zpipe {

// {"id", "type", "queue" ("default" for a job recorded without one), "status" ("succeeded",
// "failed" (dead) or "cancelled"), "error_code", "error" ("" on success), "attempt",
// "max_attempts", "worker", "created_ms", "started_ms", "finished_ms", "recorded_ms", "result"
// (the handler's result) and, when the job has them, "parent" and "batch"}.
nlohmann::json outcome_json(const StoredOutcome& row);

// [outcome_json(), ...], in the order given.
nlohmann::json outcomes_json(const std::vector<StoredOutcome>& rows);

}  // namespace zpipe
