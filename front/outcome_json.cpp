#include "front/outcome_json.hpp"

#include <string>

namespace zpipe {

nlohmann::json outcome_json(const StoredOutcome& row) {
  const auto& o = row.outcome;
  nlohmann::json j{{"id", o.id},
                   {"type", o.type},
                   {"queue", o.queue.empty() ? std::string(kDefaultQueue) : o.queue},
                   {"status", to_string(o.status)},
                   {"error_code", o.error_code},
                   {"error", o.error},
                   {"attempt", o.attempt},
                   {"max_attempts", o.max_attempts},
                   {"worker", o.worker},
                   {"created_ms", o.created_ms},
                   {"started_ms", o.started_ms},
                   {"finished_ms", o.finished_ms},
                   {"recorded_ms", row.recorded_ms},
                   {"result", o.result.to_json()}};
  if (!o.parent.empty()) j["parent"] = o.parent;
  if (!o.batch.empty()) j["batch"] = o.batch;
  return j;
}

nlohmann::json outcomes_json(const std::vector<StoredOutcome>& rows) {
  auto array = nlohmann::json::array();
  for (const auto& row : rows) array.push_back(outcome_json(row));
  return array;
}

}  // namespace zpipe
