// BatchRecord: one batch as the ventilator keeps it (BatchBook) and journals it: what it was
// opened with, whether it is sealed, and how many of its jobs ended how.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

struct BatchRecord {
  std::string id;
  std::string description{};
  std::optional<JobSpec> on_complete{};
  std::optional<JobSpec> on_success{};
  std::uint64_t created_ms = 0;
  std::uint64_t finished_ms = 0;  // its last job ended, sealed: its callbacks were made
  bool sealed = false;
  std::uint64_t total = 0;  // jobs that joined it
  std::uint64_t succeeded = 0;
  std::uint64_t dead = 0;
  std::uint64_t cancelled = 0;
  std::vector<std::string> dead_ids{};  // the first kBatchDeadIdsKept

  std::uint64_t ended() const { return succeeded + dead + cancelled; }
  bool finished() const { return finished_ms != 0; }
};

}  // namespace zpipe
