// The JSON of the ventilator's status, as `zpipe status --json` prints it and zpipe-web's
// /api/status answers it (docs/HTTP.md).
#pragma once

#include <nlohmann/json.hpp>

#include "common/requests.hpp"

namespace zpipe {

// {"pipeline", "accepted", "pending", "scheduled", "in_flight", "retrying", "succeeded",
// "failed" (attempts), "dead", "cancelled", "alerts": [...], "types_without_workers": [...],
// "by_type": {"echo": {"pending", "in_flight", "retrying", "succeeded", "dead"}, ...}} and,
// when the types past the first 100 have jobs, "other_types" with their counts together.
nlohmann::json status_json(const StatusReply& status);

}  // namespace zpipe
