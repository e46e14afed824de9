// AutoscaleRule: how many workers one host should run for the load the ventilator reports, the
// rule of `zpipe scale` and `zpipe up --autoscale` (docs/guide.md, "Worker considerations"):
//
// - Up, at once: while the backlog's ETA at the current finish rate is over the target wait,
//   run ceil(workers x ETA / target wait) (Kubernetes' HPA rule on that ETA), at most MAX; then
//   wait kSettle for the new workers to show in the rate before adding more. With no rate to go
//   by (nothing finished for a while, jobs waiting for a slot), add one per target wait.
// - Down, slowly: only when every figure the rule gave over the last quiet period was below the
//   workers running, and no worker was added in it; then down to the highest of those figures,
//   at least MIN. Only idle workers are stopped (SIGTERM: nothing they hold is lost).
// A burst inside the quiet period therefore never stops and restarts workers: no flapping.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "front/finish_rate.hpp"

namespace zpipe {

struct AutoscaleSettings {
  int min = 1;
  int max = 4;
  std::chrono::milliseconds target_wait{5000};    // the backlog should be done within this
  std::chrono::milliseconds quiet_period{30000};  // less needed for this long: stop some
};

// What the ventilator said at one moment, as the rule needs it.
struct LoadSample {
  std::chrono::steady_clock::time_point at;
  std::uint64_t finished = 0;  // attempts ended since it started: succeeded, failed, cancelled
  std::uint64_t work = 0;      // jobs pending or held by a worker
  std::uint64_t waiting = 0;   // of those, jobs no slot runs (pending, or held beyond the slots)
  int other_workers = 0;       // connected workers this host did not start
  int own_connected = 0;       // workers this host started that are connected
};

struct ScaleDecision {
  int workers = 0;  // to run now
  std::string why;  // for the log line: "backlog 395, 4.9 jobs/s, ETA 81 s > 5 s"
};

class AutoscaleRule {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kSettle{3};

  explicit AutoscaleRule(AutoscaleSettings settings);

  // The workers to run, given `running` now (started, not asked to stop). Call about every
  // second; say each change to the user with its `why`.
  ScaleDecision decide(const LoadSample& sample, int running);
  // What the load alone asks for, before the settle and quiet rules (what HPA would compute).
  int wanted(const LoadSample& sample, int running) const;

 private:
  std::string describe(const LoadSample& sample) const;

  AutoscaleSettings settings_;
  FinishRate rate_;
  std::optional<Clock::time_point> last_up_;
  std::optional<Clock::time_point> started_;
  struct Wanted {
    Clock::time_point at;
    int workers;
  };
  std::deque<Wanted> wanted_;  // over the last quiet period
};

}  // namespace zpipe
