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
}

Job HeldJob::to_job() const {
  Job job;
  copy_to(job);
  return job;
}

HeldJob HeldJob::from(const Job& job) {
  return {job.id,      SharedName(job.type), SharedName(job.queue), job.payload,
          job.attempt, job.max_attempts,     job.timeout_ms,        job.created_ms};
}

}  // namespace zpipe
