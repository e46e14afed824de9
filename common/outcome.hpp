// Outcome: what one attempt of a job came to, sent by the worker to the sink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/payload.hpp"

namespace zpipe {

// The largest job payload (encoded msgpack) that a worker sends back with the job's outcome.
inline constexpr std::size_t kKeptPayloadMaxBytes = 64 * 1024;

// kCancelled: a user cancelled the job (`zpipe cancel`); it ends the job, which is not retried.
enum class OutcomeStatus { kSucceeded, kFailed, kCancelled };

std::string_view to_string(OutcomeStatus status);
std::optional<OutcomeStatus> outcome_status_from(std::string_view text);

struct Outcome {
  std::string id;
  std::string type;
  std::uint32_t attempt = 1;
  std::uint32_t max_attempts = 1;
  OutcomeStatus status = OutcomeStatus::kSucceeded;
  std::string error_code;  // empty on success; an ErrorCode name such as "timeout" otherwise
  std::string error;       // human-readable reason, empty on success
  Payload result;          // handler's result (exec jobs: exit status and output, also on failure)
  std::string worker;      // who ran it, "host:pid" or the worker's --name
  std::uint64_t created_ms = 0;
  std::uint64_t started_ms = 0;
  std::uint64_t finished_ms = 0;
  std::uint64_t run_us = 0;  // run time on a steady clock (wall-clock times can step)
  // Measured only for jobs run in a child process (worker --isolate); 0 otherwise.
  std::uint64_t cpu_us = 0;      // user + system CPU time
  std::uint64_t max_rss_kb = 0;  // peak resident memory
  // The job's payload, sent back so that the store can show what the job was asked to do
  // (`zpipe show`): present when its msgpack is at most kKeptPayloadMaxBytes; else absent and
  // `payload_bytes` gives its size. Neither: an older worker sent the outcome.
  std::optional<Payload> payload{};
  std::uint64_t payload_bytes = 0;
  std::string queue{};  // the job's queue; empty: "default"
  // Copied from the job (Job::parent, batch, then): the sink keeps parent and batch, and makes
  // the chain's next step from `then` and the result when the job succeeded.
  std::string parent{};
  std::string batch{};
  std::vector<JobSpec> then{};
  // Jobs the handler asked for (JobContext::enqueue): created once the outcome is recorded,
  // and only when the job succeeded. At most kMaxFollowUps.
  std::vector<JobSpec> follow_ups{};
  // Set by the sink, never read from the wire: the name of the trusted CURVE key the outcome
  // arrived with (its file name without .key); empty in the clear.
  std::string key{};

  bool succeeded() const { return status == OutcomeStatus::kSucceeded; }
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Whether this outcome ends its job: it succeeded, failed on its last allowed attempt, or failed
// in a way no other attempt can change (error_code "invalid": the handler found the payload
// meaningless). Such a job goes dead at once, keeping its unused attempts.
bool ends_job(const Outcome& outcome);

// Hands the job's payload to its outcome: moved in when it is at most kKeptPayloadMaxBytes,
// else only its size is kept. The worker calls it once the handler is done with the job.
void keep_job_payload(Outcome& outcome, Payload&& payload);

// Outcomes sent together ("outcomes"): a worker sends what finished since its last send in one
// message, as the ventilator sends jobs.
struct OutcomeBatch {
  std::vector<Outcome> outcomes;

  friend bool operator==(const OutcomeBatch&, const OutcomeBatch&) = default;
};

}  // namespace zpipe
