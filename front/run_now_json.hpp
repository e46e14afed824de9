// The JSON of what a run-now did, as `zpipe run-now --json` prints it and zpipe-web's
// /api/scheduled/ID/run answers it (docs/HTTP.md).
#pragma once

#include <nlohmann/json.hpp>

#include "common/run_now_requests.hpp"

namespace zpipe {

// {"pipeline": ..., "jobs": [{"id", "result": "due" | "pending" | "running" | "over" |
// "unknown"}, ...]}, in the order asked.
nlohmann::json run_now_json(const RunNowReply& reply);

}  // namespace zpipe
