#include "common/disk_full_notice.hpp"

namespace zpipe {

void DiskFullNotice::full(const std::string& what, Clock::time_point now) {
  if (since_ && now - said_at_ < kRepeat) return;
  if (!since_) since_ = now;
  said_at_ = now;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *since_).count();
  if (seconds == 0) {
    log_->warn("disk full: {}", what);
  } else {
    log_->warn("disk full for {} s: {}", seconds, what);
  }
  if (events_ != nullptr) events_->publish("disk.full", {{"what", what}});
}

void DiskFullNotice::room(Clock::time_point now) {
  if (!since_) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - *since_).count();
  since_.reset();
  log_->info("the disk has room again after {} ms; carrying on", ms);
  if (events_ != nullptr) events_->publish("disk.room", {{"full_for_ms", std::to_string(ms)}});
}

}  // namespace zpipe
