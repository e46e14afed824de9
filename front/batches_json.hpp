// The JSON of batches, as `zpipe batch list --json` and `zpipe batch show ID --json` print them
// and zpipe-web's /api/batches and /api/batches/ID answer them (docs/HTTP.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/batch_requests.hpp"
#include "common/requests.hpp"

namespace zpipe {

// One batch as listed: {"id", "description", "state" ("open", "running" or "complete"),
// "sealed", "created_ms", "finished_ms" (0: not yet), "total", "pending", "running",
// "succeeded", "dead", "cancelled"}.
nlohmann::json batch_json(const BatchSummary& batch);

// {"pipeline": ..., "batches": [batch_json(), ...]}, in the order given (newest first).
nlohmann::json batches_json(const std::string& pipeline, const std::vector<BatchSummary>& batches);

// One batch as shown: batch_json() with "pipeline", "dead_ids" (the dead jobs' ids the
// ventilator sent) and, for each callback made, "on_complete" / "on_success": {"id"} with its
// "state" ("pending", "succeeded", ...) when `callbacks` (JobStatus of any ids, any order) has it.
nlohmann::json batch_show_json(const std::string& pipeline, const BatchSummary& batch,
                               const std::vector<JobStatus>& callbacks);

}  // namespace zpipe
