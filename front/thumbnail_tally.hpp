// ThumbnailTally: how a `zpipe thumbnail` run goes and went: the progress line while it runs
// and the summary at its end, with failures grouped by their reason. It counts jobs: one per
// image and size.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/outcome.hpp"
#include "front/thumbnail_plan.hpp"

namespace zpipe {

class ThumbnailTally {
 public:
  using Clock = std::chrono::steady_clock;

  // `several_sizes`: each image has a thumbnail of each of several sizes, so a failed file is
  // named with its size and the rate is of thumbnails, not images.
  explicit ThumbnailTally(std::filesystem::path in_dir, bool several_sizes = false)
      : in_dir_(std::move(in_dir)), several_sizes_(several_sizes) {}

  void submitted(std::size_t count, Clock::time_point now);
  // The outcome of `target`'s job.
  void record(const Outcome& outcome, const ThumbnailTarget& target, Clock::time_point now);

  std::size_t finished() const { return done_ + failed_count_; }
  std::size_t failed() const { return failed_count_; }

  // The progress bar (progress_bar.hpp) at most `width` columns wide.
  std::string progress_line(std::size_t width, Clock::time_point now) const;
  // "  12/40 finished, 1 failed", for output that is not a terminal.
  std::string plain_line() const;
  // The lines of the summary: done (with the rate), skipped, left alone, failed by reason
  // (up to 10 files each), unfinished.
  std::string summary(std::size_t skipped, const std::vector<std::string>& left_alone,
                      std::size_t unfinished) const;

 private:
  std::filesystem::path in_dir_;
  bool several_sizes_ = false;
  std::map<std::string, std::vector<std::string>> failed_;  // reason -> files under in_dir
  std::size_t failed_count_ = 0;
  std::size_t done_ = 0;
  std::size_t submitted_ = 0;
  std::optional<Clock::time_point> first_submit_;
  std::optional<Clock::time_point> last_outcome_;
};

}  // namespace zpipe
