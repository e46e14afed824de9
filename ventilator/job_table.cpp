#include "ventilator/job_table.hpp"

namespace zpipe {

JobTable::JobTable(std::string id_prefix) : id_prefix_(std::move(id_prefix)) {}

std::vector<std::string> JobTable::accept(std::vector<JobSpec> specs, const JobDefaults& defaults,
                                          std::uint64_t now_ms) {
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (auto& spec : specs) {
    Job job;
    job.id = id_prefix_ + "-" + std::to_string(next_seq_++);
    job.type = std::move(spec.type);
    job.payload = std::move(spec.payload);
    job.attempt = 1;
    job.max_attempts = spec.max_attempts != 0 ? spec.max_attempts : defaults.max_attempts;
    job.timeout_ms = spec.timeout_ms != 0 ? spec.timeout_ms : defaults.timeout_ms;
    job.created_ms = now_ms;
    ids.push_back(job.id);
    pending_.push_back(std::move(job));
  }
  finished_.accepted += ids.size();
  return ids;
}

std::optional<Job> JobTable::dispatch_next() {
  if (pending_.empty()) return std::nullopt;
  Job job = std::move(pending_.front());
  pending_.pop_front();
  in_flight_.emplace(job.id, job);
  return job;
}

void JobTable::undo_dispatch(Job job) {
  in_flight_.erase(job.id);
  pending_.push_front(std::move(job));
}

bool JobTable::on_recorded(const Ack& ack) {
  const auto it = in_flight_.find(ack.id);
  if (it == in_flight_.end()) return false;
  in_flight_.erase(it);
  if (ack.status == OutcomeStatus::kSucceeded) {
    ++finished_.succeeded;
  } else {
    ++finished_.failed;
  }
  return true;
}

PipelineCounts JobTable::counts() const {
  PipelineCounts counts = finished_;
  counts.pending = pending_.size();
  counts.in_flight = in_flight_.size();
  return counts;
}

}  // namespace zpipe
