#include "front/run_now_json.hpp"

namespace zpipe {

nlohmann::json run_now_json(const RunNowReply& reply) {
  auto jobs = nlohmann::json::array();
  for (const auto& job : reply.jobs)
    jobs.push_back({{"id", job.id}, {"result", to_string(job.result)}});
  return {{"pipeline", reply.pipeline}, {"jobs", jobs}};
}

}  // namespace zpipe
