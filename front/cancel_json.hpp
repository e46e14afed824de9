// The JSON of what a cancel did, as `zpipe cancel --json` prints it (docs/HTTP.md: zpipe-web's
// cancel actions).
#pragma once

#include <nlohmann/json.hpp>

#include "common/requests.hpp"

namespace zpipe {

// {"pipeline": ..., "jobs": [{"id": ..., "result": "cancelled" | "cancelling" | "over" |
// "unknown"}, ...]}, in the order asked.
nlohmann::json cancel_json(const CancelReply& reply);

}  // namespace zpipe
