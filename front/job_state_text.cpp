#include "front/job_state_text.hpp"

#include "front/time_text.hpp"

namespace zpipe {
namespace {

std::string attempt_of(const JobStatus& job) {
  return "attempt " + std::to_string(job.attempt) + " of " + std::to_string(job.max_attempts);
}

// " in queue mail" for a job of a queue other than the default one; else empty.
std::string in_queue(const JobStatus& job) {
  return job.queue.empty() || job.queue == kDefaultQueue ? std::string() : " in queue " + job.queue;
}

}  // namespace

std::string describe_job_state(const JobStatus& job, std::int64_t now_ms) {
  switch (job.state) {
    case JobState::kPending:
      return "waits for a worker" + in_queue(job) + " (" + attempt_of(job) + ")";
    case JobState::kRunning:
      // Sent: running, or waiting there for a slot (the ventilator cannot tell which).
      return "at " + (job.worker.empty() ? std::string("a worker") : job.worker) +
             ", running or next in line there (" + attempt_of(job) +
             (in_queue(job).empty() ? std::string() : ", queue " + job.queue) + ")";
    case JobState::kRetrying: {
      const auto due = static_cast<std::int64_t>(job.due_ms);
      return "waits to be retried" + in_queue(job) + " at " + local_time(due) + " (" +
             relative_time(due, now_ms) + "), " + attempt_of(job);
    }
    case JobState::kSucceeded:
      return "succeeded (" + attempt_of(job) + ")";
    case JobState::kDead: {
      auto text = "dead after " + attempt_of(job);
      if (!job.error_code.empty()) text += ": " + job.error_code;
      if (!job.error.empty()) text += ": " + job.error;
      return text + " (zpipe retry " + job.id + ")";
    }
    case JobState::kScheduled: {
      const auto due = static_cast<std::int64_t>(job.due_ms);
      return "scheduled" + in_queue(job) + " for " + local_time(due) + " (" +
             relative_time(due, now_ms) + ")";
    }
    case JobState::kCancelled:
      return "cancelled (zpipe show " + job.id + " says by whom, once recorded)";
    case JobState::kUnknown:
      break;
  }
  return "not held by the ventilator (over long ago, discarded, or never this pipeline's)";
}

}  // namespace zpipe
