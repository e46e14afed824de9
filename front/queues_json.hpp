// The JSON of the queues and dispatch limits, as `zpipe queues --json` (and pause, resume,
// limit set and clear, with the queues after them) prints it and zpipe-web's /api/queues
// answers it (docs/HTTP.md).
#pragma once

#include <nlohmann/json.hpp>

#include "common/queue_requests.hpp"

namespace zpipe {

// {"pipeline": ..., "queues": [{"name", "pending", "running", "scheduled", "latency_ms",
// "paused"}, ...], "limits": [{"limit": "thumbnail=10/s", "running", "waiting"}, ...]}.
nlohmann::json queues_json(const QueuesReply& reply);

}  // namespace zpipe
