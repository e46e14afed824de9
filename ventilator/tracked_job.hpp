// TrackedJob: a job as the ventilator keeps it between acceptance and its final outcome: the
// job itself plus where the journal holds it and how many attempts one round allows. A payload
// larger than kPayloadKeptInMemory stays in the journal only (when there is one): the job holds
// a nil payload, read back for the moment it is sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/job.hpp"

namespace zpipe {

inline constexpr std::size_t kPayloadKeptInMemory = 1024;

struct TrackedJob {
  Job job;
  std::int64_t journal_row = 0;          // 0: not journaled (durability none)
  std::uint32_t attempts_per_round = 1;  // max_attempts as submitted; `zpipe retry` grants as many
  std::uint64_t due_ms = 0;              // Unix ms before which a scheduled retry waits
  bool payload_in_journal = false;       // job.payload is nil here except while it is sent
  std::int32_t priority = 0;             // lower runs first within its queue
  std::int64_t order = 0;                // its place among ready jobs (ReadyQueues)
};

// A job as the journal gives it back on restart, with what only a restart needs.
struct RestoredJob {
  TrackedJob tracked;
  std::string unique_key;    // empty: none
  std::string cancelled_by;  // set: cancelled, its record not yet acknowledged by the sink
};

}  // namespace zpipe
