// Credit-based dispatch on the jobs socket: a worker says how many more jobs it can take
// (Credit, "ready"), and the ventilator sends a worker no more jobs than its credit, in
// batches (JobBatch, "jobs"). What a worker holds is then bounded by what it asked for,
// whatever the size of the jobs or of the buffers on the way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

struct Credit {
  std::uint64_t credit = 0;  // jobs the worker can take
  bool reset = false;        // true: `credit` replaces what the ventilator holds; false: adds
  std::string worker;        // the worker's name, for logs

  friend bool operator==(const Credit&, const Credit&) = default;
};

struct JobBatch {
  std::vector<Job> jobs;

  friend bool operator==(const JobBatch&, const JobBatch&) = default;
};

}  // namespace zpipe
