#include "front/job_follower.hpp"

namespace zpipe {

void JobFollower::follow(const std::string& id) {
  if (by_id_.emplace(id, next_).second) by_order_.emplace(next_++, id);
}

Result<std::vector<JobStatus>> JobFollower::take_ended(Client& client) {
  std::vector<std::string> asked;
  for (auto it = by_order_.begin(); it != by_order_.end() && asked.size() < kAskedAtOnce; ++it) {
    asked.push_back(it->second);
  }
  std::vector<JobStatus> ended;
  if (asked.empty()) return ended;
  auto statuses = client.job_statuses(asked);
  if (!statuses.ok()) return statuses.error();
  if (pipeline_.empty()) {
    pipeline_ = client.pipeline();
  } else if (client.pipeline() != pipeline_) {
    return make_error(ErrorCode::kUnavailable,
                      "the ventilator at " + client.config().ventilator + " is now pipeline " +
                          client.pipeline() + ", not pipeline " + pipeline_ +
                          " that took the jobs: they cannot be followed there");
  }
  for (auto& status : statuses.value()) {
    const bool over = status.state == JobState::kSucceeded || status.state == JobState::kDead ||
                      status.state == JobState::kCancelled || status.state == JobState::kUnknown;
    if (!over) continue;
    const auto it = by_id_.find(status.id);
    if (it == by_id_.end()) continue;
    by_order_.erase(it->second);
    by_id_.erase(it);
    ended.push_back(std::move(status));
  }
  return ended;
}

}  // namespace zpipe
