// What the ventilator's answers say of the load one host's autoscaler acts on: its counts and
// its workers, read as a LoadSample (AutoscaleRule), restricted to the job types the host's
// workers take, and which of the host's own workers hold jobs (those are never stopped).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "common/requests.hpp"
#include "front/autoscale_rule.hpp"

namespace zpipe {

struct AutoscaleLoad {
  LoadSample sample;
  std::set<pid_t> busy_own;  // own workers holding jobs
};

// `own`: the pids of the workers this host started; `host`: this host's name as workers say it
// in their host:pid; `types`: the job types its workers take (empty: every type). Only the
// jobs of those types count, and only the workers that take one of them.
AutoscaleLoad measure_load(const StatusReply& status, const std::vector<WorkerSummary>& workers,
                           const std::vector<pid_t>& own, const std::string& host,
                           const std::set<std::string>& types,
                           std::chrono::steady_clock::time_point at);

}  // namespace zpipe
