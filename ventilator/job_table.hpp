// JobTable: the ventilator's view of every job it has accepted and not yet seen recorded:
// pending jobs in arrival order, dispatched jobs by id, and running counts.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/ack.hpp"
#include "common/job.hpp"
#include "common/requests.hpp"

namespace zpipe {

struct JobDefaults {
  std::uint64_t timeout_ms = 300'000;  // 5 minutes: the time limit of an attempt
  std::uint32_t max_attempts = 1;
};

class JobTable {
 public:
  // `id_prefix` makes ids unique across ventilator runs.
  explicit JobTable(std::string id_prefix);

  // Gives each spec an id, fills defaults, queues it as pending. Returns the ids in order.
  std::vector<std::string> accept(std::vector<JobSpec> specs, const JobDefaults& defaults,
                                  std::uint64_t now_ms);

  bool has_pending() const { return !pending_.empty(); }
  // Moves the oldest pending job to in flight and returns it.
  std::optional<Job> dispatch_next();
  // Puts a job taken by dispatch_next() back at the front (its send did not go through).
  void undo_dispatch(Job job);

  // Applies the sink's record of an outcome. Returns false for an id not in flight (already
  // final, or never ours): the caller counts it and moves on.
  bool on_recorded(const Ack& ack);

  PipelineCounts counts() const;

 private:
  std::string id_prefix_;
  std::uint64_t next_seq_ = 1;
  std::deque<Job> pending_;
  std::unordered_map<std::string, Job> in_flight_;
  PipelineCounts finished_;  // accepted, succeeded, failed, dead; the rest derive from the queues
};

}  // namespace zpipe
