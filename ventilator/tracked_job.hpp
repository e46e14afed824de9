// TrackedJob: a job as the ventilator keeps it between acceptance and its final outcome: the
// job itself plus where the journal holds it and how many attempts one round allows.
#pragma once

#include <cstdint>

#include "common/job.hpp"

namespace zpipe {

struct TrackedJob {
  Job job;
  std::int64_t journal_row = 0;          // 0: not journaled (durability none)
  std::uint32_t attempts_per_round = 1;  // max_attempts as submitted; `zpipe retry` grants as many
  std::uint64_t due_ms = 0;              // Unix ms before which a scheduled retry waits
};

}  // namespace zpipe
