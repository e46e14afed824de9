// The JSON of the workers connected to the ventilator, as `zpipe workers --json` prints it and
// zpipe-web's /api/workers answers it (docs/HTTP.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/requests.hpp"

namespace zpipe {

// One worker: {"name", "process", "state", "slots", "held", "sent", "credit", "heard_ms_ago",
// "connected_ms_ago", "heartbeat_ms", "types": [...], "queues": [...]} (an empty list of types
// or queues: any).
nlohmann::json worker_json(const WorkerSummary& worker);

// {"pipeline": ..., "workers": [worker_json(), ...]}, in the order given.
nlohmann::json workers_json(const std::string& pipeline, const std::vector<WorkerSummary>& workers);

}  // namespace zpipe
