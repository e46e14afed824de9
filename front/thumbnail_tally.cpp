#include "front/thumbnail_tally.hpp"

#include <cstdio>

#include "front/progress_bar.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kFilesListedPerReason = 10;

// The failure's reason without the file's own path, so that files failing alike group.
std::string reason_of(const Outcome& outcome, const ThumbnailTarget& target) {
  auto reason = outcome.error;
  for (const auto& path : {target.image.string(), target.thumbnail.string()}) {
    const auto quoted = " '" + path + "'";
    for (auto at = reason.find(quoted); at != std::string::npos; at = reason.find(quoted)) {
      reason.erase(at, quoted.size());
    }
  }
  return outcome.error_code + ": " + reason;
}

void list_files(std::string& text, const std::vector<std::string>& files) {
  for (std::size_t i = 0; i < files.size() && i < kFilesListedPerReason; ++i) {
    text += "        " + files[i] + "\n";
  }
  if (files.size() > kFilesListedPerReason) {
    text += "        ... and " + std::to_string(files.size() - kFilesListedPerReason) + " more\n";
  }
}

}  // namespace

void ThumbnailTally::submitted(std::size_t count, Clock::time_point now) {
  if (!first_submit_) first_submit_ = now;
  submitted_ += count;
}

void ThumbnailTally::record(const Outcome& outcome, const ThumbnailTarget& target,
                            Clock::time_point now) {
  last_outcome_ = now;
  if (outcome.succeeded()) {
    ++done_;
    return;
  }
  auto file = target.image.lexically_relative(in_dir_).string();
  if (several_sizes_) file += " (" + std::to_string(target.size) + " px)";
  failed_[reason_of(outcome, target)].push_back(std::move(file));
  ++failed_count_;
}

std::string ThumbnailTally::progress_line(std::size_t width, Clock::time_point now) const {
  Progress progress;
  progress.finished = finished();
  progress.failed = failed_count_;
  progress.total = submitted_;
  progress.seconds =
      first_submit_ ? std::chrono::duration<double>(now - *first_submit_).count() : 0;
  return format_progress(progress, width);
}

std::string ThumbnailTally::plain_line() const {
  return "  " + std::to_string(finished()) + "/" + std::to_string(submitted_) + " finished, " +
         std::to_string(failed_count_) + " failed";
}

std::string ThumbnailTally::summary(std::size_t skipped, const std::vector<std::string>& left_alone,
                                    std::size_t unfinished) const {
  const double seconds =
      first_submit_ && last_outcome_
          ? std::chrono::duration<double>(*last_outcome_ - *first_submit_).count()
          : 0.0;
  std::string text = "  done      " + std::to_string(done_);
  if (done_ > 0 && seconds > 0) {
    char rate[64];
    std::snprintf(rate, sizeof rate, " in %.2f s, %.1f %s/s", seconds,
                  static_cast<double>(done_) / seconds, several_sizes_ ? "thumbnails" : "images");
    text += rate;
  }
  text += "\n  skipped   " + std::to_string(skipped) + " (thumbnail up to date)\n";
  if (!left_alone.empty()) {
    text += "  left alone " + std::to_string(left_alone.size()) +
            " (a file zpipe did not make is where the thumbnail goes)\n";
    list_files(text, left_alone);
    text += "        (move them, or give another OUT_DIR, to have them thumbnailed)\n";
  }
  text += "  failed    " + std::to_string(failed_count_) + "\n";
  for (const auto& [reason, files] : failed_) {
    text += "    " + std::to_string(files.size()) + " x " + reason + "\n";
    list_files(text, files);
  }
  if (unfinished > 0) text += "  unfinished " + std::to_string(unfinished) + "\n";
  return text;
}

}  // namespace zpipe
