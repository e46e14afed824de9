#include "front/batches_json.hpp"

#include <utility>

#include "front/batch_table.hpp"

namespace zpipe {

nlohmann::json batch_json(const BatchSummary& b) {
  return {{"id", b.id},
          {"description", b.description},
          {"state", batch_state(b)},
          {"sealed", b.sealed},
          {"created_ms", b.created_ms},
          {"finished_ms", b.finished_ms},
          {"total", b.total},
          {"pending", b.pending},
          {"running", b.running},
          {"succeeded", b.succeeded},
          {"dead", b.dead},
          {"cancelled", b.cancelled}};
}

nlohmann::json batches_json(const std::string& pipeline, const std::vector<BatchSummary>& batches) {
  auto list = nlohmann::json::array();
  for (const auto& batch : batches) list.push_back(batch_json(batch));
  return {{"pipeline", pipeline}, {"batches", list}};
}

nlohmann::json batch_show_json(const std::string& pipeline, const BatchSummary& batch,
                               const std::vector<JobStatus>& callbacks) {
  auto out = batch_json(batch);
  out["pipeline"] = pipeline;
  out["dead_ids"] = batch.dead_ids;
  for (const auto& [key, id] : {std::pair{"on_complete", &batch.on_complete_id},
                                std::pair{"on_success", &batch.on_success_id}}) {
    if (id->empty()) continue;
    nlohmann::json callback{{"id", *id}};
    for (const auto& job : callbacks) {
      if (job.id == *id) callback["state"] = to_string(job.state);
    }
    out[key] = callback;
  }
  return out;
}

}  // namespace zpipe
