// Retention: the sink's --keep. Deletes the jobs recorded longer ago than `keep` (with their
// attempts) at start and then every prune_interval(keep), one small batch at a time between the
// sink's own transactions, so that recording never waits for more than one batch.
// Call from the sink's thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <spdlog/spdlog.h>

#include "common/outcome_store.hpp"
#include "common/result.hpp"

namespace zpipe {

// How often a sink that keeps `keep` looks for old rows: hourly, or a tenth of `keep` when that
// is shorter (so a short --keep in a test is kept to), but not more than once a second.
std::chrono::milliseconds prune_interval(std::chrono::milliseconds keep);

class Retention {
 public:
  using Clock = std::chrono::steady_clock;

  Retention(std::chrono::milliseconds keep, std::shared_ptr<spdlog::logger> log);

  // When there is work next: now while a prune is under way, else the next prune's time.
  Clock::time_point due() const { return due_; }
  // When due: deletes one batch of what was recorded more than `keep` before the prune began
  // (at `unix_now_ms`). An error is logged and the prune tried again at the next interval: the
  // store's own failures show when recording.
  void run_due(OutcomeStore& store, Clock::time_point now, std::uint64_t unix_now_ms);

 private:
  std::chrono::milliseconds keep_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  Clock::time_point due_;        // now: the first prune comes at start
  std::uint64_t before_ms_ = 0;  // the cut-off of the prune under way; 0: none under way
  PruneCount deleted_;           // by the prune under way
};

}  // namespace zpipe
