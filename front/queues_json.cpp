#include "front/queues_json.hpp"

namespace zpipe {

nlohmann::json queues_json(const QueuesReply& reply) {
  auto queues = nlohmann::json::array();
  for (const auto& q : reply.queues) {
    queues.push_back({{"name", q.name},
                      {"pending", q.pending},
                      {"running", q.running},
                      {"scheduled", q.scheduled},
                      {"latency_ms", q.latency_ms},
                      {"paused", q.paused}});
  }
  auto limits = nlohmann::json::array();
  for (const auto& l : reply.limits) {
    limits.push_back({{"limit", l.limit}, {"running", l.running}, {"waiting", l.waiting}});
  }
  return {{"pipeline", reply.pipeline}, {"queues", queues}, {"limits", limits}};
}

}  // namespace zpipe
