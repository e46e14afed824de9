#include "sink/retention.hpp"

#include <algorithm>

#include "common/duration_text.hpp"
#include "common/plural.hpp"

namespace zpipe {

std::chrono::milliseconds prune_interval(std::chrono::milliseconds keep) {
  using namespace std::chrono_literals;
  return std::clamp<std::chrono::milliseconds>(keep / 10, 1s, 1h);
}

Retention::Retention(std::chrono::milliseconds keep, std::shared_ptr<spdlog::logger> log)
    : keep_(keep), interval_(prune_interval(keep)), log_(std::move(log)), due_(Clock::now()) {}

void Retention::run_due(OutcomeStore& store, Clock::time_point now, std::uint64_t unix_now_ms) {
  if (now < due_) return;
  if (before_ms_ == 0) {
    const auto keep_ms = static_cast<std::uint64_t>(keep_.count());
    before_ms_ = unix_now_ms > keep_ms ? unix_now_ms - keep_ms : 1;
    deleted_ = {};
  }
  auto batch = store.prune_batch(before_ms_, kPruneBatchJobs);
  if (!batch.ok()) {
    log_->error("cannot delete outcomes older than {} (--keep): {}; trying again in {}",
                duration_text(keep_), batch.error().message, duration_text(interval_));
  } else {
    deleted_ += batch.value();
    if (batch.value().jobs == kPruneBatchJobs) return;  // more to come: due_ stays now
    if (deleted_.jobs > 0) {
      log_->info("deleted {} and {} recorded more than {} ago (--keep)",
                 count_noun(deleted_.jobs, "job"), count_noun(deleted_.attempts, "attempt"),
                 duration_text(keep_));
    }
  }
  before_ms_ = 0;
  due_ = now + interval_;
}

}  // namespace zpipe
