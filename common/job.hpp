// The job model: what a producer asks for (JobSpec) and what the ventilator hands to a worker
// (Job, the spec plus identity and bookkeeping).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/payload.hpp"

namespace zpipe {

// The queue of a job that names none.
inline constexpr std::string_view kDefaultQueue = "default";

// A job as a producer submits it. Zero means "use the ventilator's default".
struct JobSpec {
  std::string type;
  Payload payload;
  std::uint64_t timeout_ms = 0;
  std::uint32_t max_attempts = 0;
  std::string queue{};          // empty: kDefaultQueue
  std::int32_t priority = 0;    // lower runs first within its queue (beanstalkd's order)
  std::uint64_t run_at_ms = 0;  // Unix ms before which it does not run; 0: at once
  std::string unique_key{};     // set: while a job with this key is live, submit returns its id
  // Workflows (follow_ups.hpp). The batch it belongs to (an open one; empty: none).
  std::string batch{};
  // A chain: after this job succeeds, then[0] runs with this job's result in its payload
  // (kPreviousResultKey), then then[1] with then[0]'s, and so on. Entries have no `then`,
  // `on_failure` or `batch` of their own: each step takes this job's.
  std::vector<JobSpec> then{};
  // Created when this job (or a step of its chain) is dead, with why (kFailedJobKey).
  std::vector<JobSpec> on_failure{};

  friend bool operator==(const JobSpec&, const JobSpec&) = default;
};

// What a job message and its outcome add around the payload and the type, at most: id, times,
// attempt counts, the worker's name, error text. A job whose payload and type fit the message
// limit with this much to spare fits on every socket it travels.
inline constexpr std::size_t kJobEnvelopeBytes = 1024;

struct Job {
  std::string id;    // unique, given by the ventilator
  std::string type;  // selects the worker's handler
  Payload payload;
  std::uint32_t attempt = 1;       // 1 for the first run
  std::uint32_t max_attempts = 1;  // attempts allowed before the job is final
  std::uint64_t timeout_ms = 0;    // time limit of one attempt
  std::uint64_t created_ms = 0;    // Unix ms at which the ventilator accepted it
  std::string queue{kDefaultQueue};
  // Workflows; a worker copies all three into the job's outcome. The job that created this one
  // (a follow-up, a chain step, a callback); empty: submitted by a producer.
  std::string parent{};
  std::string batch{};          // its batch; empty: none
  std::vector<JobSpec> then{};  // the rest of its chain, run after it succeeds

  friend bool operator==(const Job&, const Job&) = default;
};

}  // namespace zpipe
