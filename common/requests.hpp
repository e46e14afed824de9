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

struct StatusRequest {
  std::uint64_t req = 0;
  friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

// Job counts as the ventilator knows them.
struct PipelineCounts {
  std::uint64_t accepted = 0;   // since the ventilator started
  std::uint64_t pending = 0;    // waiting for a worker
  std::uint64_t in_flight = 0;  // dispatched, outcome not yet recorded
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t dead = 0;  // failed on every allowed attempt
  friend bool operator==(const PipelineCounts&, const PipelineCounts&) = default;
};

struct StatusReply {
  std::uint64_t req = 0;
  PipelineCounts counts;
  friend bool operator==(const StatusReply&, const StatusReply&) = default;
};

}  // namespace zpipe
