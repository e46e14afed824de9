// Producer requests to the ventilator and its replies: submit jobs, ask for status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

struct SubmitRequest {
  std::uint64_t req = 0;  // chosen by the client, echoed in the reply
  std::vector<JobSpec> jobs;
  friend bool operator==(const SubmitRequest&, const SubmitRequest&) = default;
};

// Every job of the request is accepted, ids in request order.
struct SubmitAccepted {
  std::uint64_t req = 0;
  std::vector<std::string> ids;
  friend bool operator==(const SubmitAccepted&, const SubmitAccepted&) = default;
};

// None of the request's jobs is accepted.
struct SubmitRefused {
  std::uint64_t req = 0;
  std::string code;  // an ErrorCode name
  std::string message;
  friend bool operator==(const SubmitRefused&, const SubmitRefused&) = default;
};

// Which dead jobs `zpipe retry` or `zpipe discard` means: the listed ids, or every dead job
// (of one type when `type` is set).
struct DeadSelection {
  std::vector<std::string> ids;
  bool all_dead = false;
  std::string type;  // with all_dead: only this type; empty: any
  friend bool operator==(const DeadSelection&, const DeadSelection&) = default;
};

// Requeue dead jobs (a fresh round of attempts each) or delete them. Answered by
// SubmitAccepted listing the ids acted on (none found: an empty list), or SubmitRefused.
struct DeadJobsRequest {
  enum class Action { kRetry, kDiscard };
  std::uint64_t req = 0;
  Action action = Action::kRetry;
  DeadSelection selection;
  friend bool operator==(const DeadJobsRequest&, const DeadJobsRequest&) = default;
};

struct StatusRequest {
  std::uint64_t req = 0;
  friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

// Job counts as the ventilator knows them.
struct PipelineCounts {
  std::uint64_t accepted = 0;   // since the ventilator started
  std::uint64_t pending = 0;    // waiting for a worker
  std::uint64_t in_flight = 0;  // dispatched, outcome not yet recorded
  std::uint64_t retrying = 0;   // failed with attempts left, waiting out the backoff delay
  std::uint64_t succeeded = 0;  // jobs that succeeded
  std::uint64_t failed = 0;     // failed attempts (each retried or, at the last, dead)
  std::uint64_t dead = 0;       // jobs that failed on their last allowed attempt, kept for retry
  friend bool operator==(const PipelineCounts&, const PipelineCounts&) = default;
};

struct StatusReply {
  std::uint64_t req = 0;
  PipelineCounts counts;
  // What programs of the pipeline say is wrong now ("sink vm:42: disk full: ..."); the field
  // is left out when there is nothing.
  std::vector<std::string> alerts;
  friend bool operator==(const StatusReply&, const StatusReply&) = default;
};

}  // namespace zpipe
