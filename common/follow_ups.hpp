// Workflows: the jobs a job makes when it ends. A handler's follow-ups (JobContext::enqueue)
// and a chain's next step come with its recorded success; `on_failure` jobs with its death; a
// batch's callbacks with the end of its last job. The ventilator creates each in the same
// journal commit that ends the job which made it, so each is made exactly once, however often
// the job ran or its outcome was sent. Their ids follow from their maker's, so that a job lists
// its children before they are recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"
#include "common/payload.hpp"
#include "common/result.hpp"

namespace zpipe {

inline constexpr std::size_t kMaxFollowUps = 1'000;  // per outcome
inline constexpr std::size_t kMaxChainSteps = 100;   // entries of `then`, and of `on_failure`

// The payload keys a workflow adds to the job it makes (the payload must be a map, or absent).
inline constexpr std::string_view kPreviousResultKey = "previous_result";  // chain step
inline constexpr std::string_view kPreviousJobKey = "previous_job";        // chain step
inline constexpr std::string_view kFailedJobKey = "failed_job";            // on_failure
inline constexpr std::string_view kBatchKey = "batch";                     // batch callbacks

// The n-th (from 1) follow-up of `parent`'s handler: "<parent>.<n>".
std::string follow_up_id(std::string_view parent, std::size_t n);
// The chain's step after `parent`: "<root>.s<k+1>" after "<root>.s<k>", else "<parent>.s1".
std::string chain_step_id(std::string_view parent);
// The n-th on_failure job of `parent` dead in round `round` of attempts (`zpipe retry` starts
// another): "<parent>.f<n>", and "<parent>.f<n>r<round>" from the second round.
std::string on_failure_id(std::string_view parent, std::size_t n, std::uint32_t round);
// A batch's callbacks: "<batch>.complete", "<batch>.success".
std::string batch_callback_id(std::string_view batch, bool on_success);

// `payload` with `key` set to `value` (a nil payload becomes a one-key map). kInvalid when the
// payload is anything but a map or nil.
Result<Payload> with_key(const Payload& payload, std::string_view key, const Payload& value);
// Why `spec` cannot take keys added by a workflow, or nullopt when it can.
std::optional<std::string> workflow_payload_problem(const JobSpec& spec);

// The step after a job that succeeded with `result`: then[0], its payload with the result and
// the job's id added, and the rest of `then` as its own. Nullopt when `then` is empty.
std::optional<JobSpec> chain_next(const std::vector<JobSpec>& then, std::string_view job_id,
                                  const Payload& result);

}  // namespace zpipe
