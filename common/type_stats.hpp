// Per-type figures of the jobs recorded over a window of time (OutcomeStore::type_stats(), the
// web's `GET /api/metrics`), and the tally that adds them up from the store's rows.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/outcome.hpp"

namespace zpipe {

struct RunTimePercentiles {
  std::uint64_t p50_us = 0;
  std::uint64_t p95_us = 0;
  std::uint64_t p99_us = 0;
};

struct TypeStats {
  std::string type;
  // Jobs of the type recorded in the window, by how they ended.
  std::uint64_t jobs = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t dead = 0;
  std::uint64_t cancelled = 0;
  // Their attempts recorded in the window that ran (succeeded or failed; a cancellation is not a
  // run), and of those the failed ones. Attempts of a job still waiting for its retry are not
  // here: the store knows a job's type once the job has ended.
  std::uint64_t attempts = 0;
  std::uint64_t failed_attempts = 0;
  double failure_rate = 0;  // failed_attempts / attempts; 0 without attempts
  // Run time of each succeeded or dead job's last attempt (attempts.run_us), exact percentiles by
  // nearest rank; none without such a job.
  std::optional<RunTimePercentiles> run;
  // Over the attempts that ran in the window and measured them (only a worker with --isolate
  // does): mean CPU time (none when no attempt measured it) and the largest peak memory (0).
  std::optional<double> cpu_us_mean;
  std::uint64_t max_rss_kb = 0;
};

// The newest jobs of a window that type_stats() reads at most: about 120 ms in a store of a
// million jobs (bench/jobs_page_bench.cpp); all of a day of a million would take 1.3 s.
inline constexpr std::uint64_t kTypeStatsMaxJobs = 100'000;

struct TypeStatsReport {
  std::vector<TypeStats> types;  // by type name
  // The window held more jobs than were read (kTypeStatsMaxJobs): the figures are of the newest,
  // those recorded since `read_since_ms`, not of the whole window.
  bool sampled = false;
  std::uint64_t read_since_ms = 0;  // recorded_ms of the oldest job read; 0 when none
  std::uint64_t jobs_read = 0;
};

// The `percent` percentile of `sorted` (ascending, not empty) by nearest rank: the smallest value
// with at least `percent`% of the values at or below it. Of 1..100: p50 50, p95 95, p99 99.
std::uint64_t nearest_rank_percentile(const std::vector<std::uint64_t>& sorted, unsigned percent);

// Adds up, type by type, the jobs of a window and their attempts, as the store reads them.
class TypeStatsTally {
 public:
  // A job recorded in the window, once.
  void add_job(std::string_view type, OutcomeStatus status);

  struct Attempt {
    OutcomeStatus status{};
    bool last = false;       // the job's last attempt (the one its end was recorded from)
    bool in_window = false;  // recorded in the window
    std::uint64_t run_us = 0;
    std::uint64_t cpu_us = 0;  // 0: not measured
    std::uint64_t max_rss_kb = 0;
  };
  // An attempt of a job add_job() was given, which ended with `job_status`.
  void add_attempt(std::string_view type, OutcomeStatus job_status, const Attempt& attempt);

  // The figures, by type name. Leaves the tally empty.
  std::vector<TypeStats> finish();

 private:
  struct Sums {
    TypeStats stats;
    std::vector<std::uint64_t> run_us;
    std::uint64_t cpu_us_total = 0;
    std::uint64_t cpu_measured = 0;
  };
  Sums& of(std::string_view type);

  std::map<std::string, Sums, std::less<>> by_type_;
};

}  // namespace zpipe
