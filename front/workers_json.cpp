#include "front/workers_json.hpp"

namespace zpipe {

nlohmann::json worker_json(const WorkerSummary& w) {
  return {{"name", w.name},
          {"process", w.process},
          {"state", w.state},
          {"slots", w.slots},
          {"held", w.held},
          {"sent", w.sent},
          {"credit", w.credit},
          {"heard_ms_ago", w.heard_ms_ago},
          {"connected_ms_ago", w.connected_ms_ago},
          {"heartbeat_ms", w.heartbeat_ms},
          {"types", w.types},
          {"queues", w.queues}};
}

nlohmann::json workers_json(const std::string& pipeline,
                            const std::vector<WorkerSummary>& workers) {
  auto list = nlohmann::json::array();
  for (const auto& w : workers) list.push_back(worker_json(w));
  return {{"pipeline", pipeline}, {"workers", list}};
}

}  // namespace zpipe
