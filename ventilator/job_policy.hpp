// JobPolicy: the ventilator's rules for a job's life: defaults for what a submission leaves
// out, how long an attempt may stay silent, and how retries back off.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zpipe {

struct JobPolicy {
  std::uint64_t timeout_ms = 300'000;  // time limit of an attempt that sets none: 5 minutes
  std::uint32_t max_attempts = 3;      // attempts of a job that sets none (and whose type has none)
  std::map<std::string, std::uint32_t> max_attempts_by_type;  // --max-attempts TYPE=N
  // A dispatched job whose outcome is not recorded within its time limit plus this grace is
  // dispatched again: its worker died, stalled, or lost it.
  std::uint64_t redispatch_grace_ms = 30'000;
  std::uint64_t retry_base_ms = 1'000;     // delay before the 2nd attempt; doubles each attempt
  std::uint64_t retry_max_ms = 3'600'000;  // delays never grow past an hour

  std::uint32_t max_attempts_for(const std::string& type) const {
    const auto it = max_attempts_by_type.find(type);
    return it != max_attempts_by_type.end() ? it->second : max_attempts;
  }
};

// Exponential backoff with jitter: base x 2^(attempt-1), capped, times a factor in [0.75, 1.25)
// given by `unit` in [0, 1), so that jobs failing together do not retry together.
std::uint64_t retry_delay_ms(const JobPolicy& policy, std::uint32_t failed_attempt, double unit);

// Applies --max-attempts values: "N" sets the default, "TYPE=N" one type's. Returns what is
// wrong with a value, if anything.
std::optional<std::string> parse_max_attempts(const std::vector<std::string>& values,
                                              JobPolicy& policy);

}  // namespace zpipe
