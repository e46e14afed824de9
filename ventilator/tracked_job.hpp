// TrackedJob: a job as the ventilator keeps it between acceptance and its final outcome: the
// job itself (HeldJob: a Job whose type and queue names are shared) plus where the journal holds
// it and how many attempts one round allows. A payload larger than kPayloadKeptInMemory stays in
// the journal only (when there is one): the job holds a nil payload, read back for the moment it
// is sent. Small on purpose: a million pending jobs are a million of these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "ventilator/shared_name.hpp"

namespace zpipe {

inline constexpr std::size_t kPayloadKeptInMemory = 1024;

// A job's place in workflows (common/follow_ups.hpp): what made it, its batch, and what it
// makes when it ends. Most jobs have none: HeldJob holds a pointer, null for them.
struct JobLinks {
  std::string parent{};
  std::string batch{};
  std::vector<JobSpec> then{};
  std::vector<JobSpec> on_failure{};
  bool empty() const {
    return parent.empty() && batch.empty() && then.empty() && on_failure.empty();
  }
};

// A Job as the ventilator holds it; to_job() makes the one sent.
struct HeldJob {
  std::string id;
  SharedName type;
  SharedName queue{kDefaultQueue};
  Payload payload;
  std::uint32_t attempt = 1;
  std::uint32_t max_attempts = 1;
  std::uint64_t timeout_ms = 0;
  std::uint64_t created_ms = 0;
  std::shared_ptr<const JobLinks> links{};  // null: none

  const std::string& batch() const;

  // Fills `job` (reusing its strings' memory) with this one.
  void copy_to(Job& job) const;
  Job to_job() const;
  static HeldJob from(const Job& job);
};

struct TrackedJob {  // fields ordered so that no padding sits between them
  HeldJob job;
  std::int64_t journal_row = 0;          // 0: not journaled (durability none)
  std::uint64_t due_ms = 0;              // Unix ms before which a delayed job or a retry waits
  std::int64_t order = 0;                // its place among ready jobs (ReadyQueues)
  std::uint32_t attempts_per_round = 1;  // max_attempts as submitted; `zpipe retry` grants as many
  std::int32_t priority = 0;             // lower runs first within its queue
  bool payload_in_journal = false;       // job.payload is nil here: it is read back to be sent
};

// A job as the journal gives it back on restart, with what only a restart needs.
struct RestoredJob {
  TrackedJob tracked;
  std::string unique_key;    // empty: none
  std::string cancelled_by;  // set: cancelled, its record not yet acknowledged by the sink
};

}  // namespace zpipe
