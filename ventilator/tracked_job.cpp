#include "ventilator/tracked_job.hpp"

namespace zpipe {

void HeldJob::copy_to(Job& job) const {
  job.id = id;
  job.type = type.str();
  job.queue = queue.str();
  job.payload = payload;
  job.attempt = attempt;
  job.max_attempts = max_attempts;
  job.timeout_ms = timeout_ms;
  job.created_ms = created_ms;
  if (links) {
    job.parent = links->parent;
    job.batch = links->batch;
    job.then = links->then;
  } else if (!job.parent.empty() || !job.batch.empty() || !job.then.empty()) {
    job.parent.clear();
    job.batch.clear();
    job.then.clear();
  }
}

const std::string& HeldJob::batch() const {
  static const std::string kNone;
  return links ? links->batch : kNone;
}

Job HeldJob::to_job() const {
  Job job;
  copy_to(job);
  return job;
}

HeldJob HeldJob::from(const Job& job) {
  HeldJob held{job.id,      SharedName(job.type), SharedName(job.queue), job.payload,
               job.attempt, job.max_attempts,     job.timeout_ms,        job.created_ms};
  if (!job.parent.empty() || !job.batch.empty() || !job.then.empty()) {
    held.links = std::make_shared<const JobLinks>(JobLinks{job.parent, job.batch, job.then, {}});
  }
  return held;
}

}  // namespace zpipe
