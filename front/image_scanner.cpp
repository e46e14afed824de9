#include "front/image_scanner.hpp"

#include <optional>
#include <system_error>

namespace zpipe {

namespace fs = std::filesystem;

std::vector<ThumbnailTarget> ImageScanner::scan(bool require_stable) {
  auto stamp_of = [](const fs::path& path) -> std::optional<FileStamp> {
    std::error_code error;
    FileStamp stamp{fs::last_write_time(path, error), 0};
    if (error) return std::nullopt;
    stamp.size = fs::file_size(path, error);
    if (error) return std::nullopt;
    return stamp;
  };
  std::vector<ThumbnailTarget> work;
  for (auto& target : find_images(plan_)) {
    const auto stamp = stamp_of(target.image);
    if (!stamp) continue;
    // By thumbnail: an image of several sizes is several targets, each handled on its own.
    const auto key = target.thumbnail.string();
    if (auto it = handled_.find(key); it != handled_.end() && it->second == *stamp) continue;
    if (require_stable) {
      auto [seen, is_new] = last_seen_.insert_or_assign(key, *stamp);
      if (is_new || !(seen->second == *stamp)) continue;
    }
    handled_[key] = *stamp;
    if (is_up_to_date(target, tools_)) {
      ++skipped_;
      continue;
    }
    if (is_in_the_way(target.thumbnail)) {
      left_alone_.push_back(target.thumbnail.lexically_relative(plan_.out_dir).string());
      continue;
    }
    work.push_back(std::move(target));
  }
  return work;
}

// A user's file, folder or link, which a thumbnail must not replace.
bool ImageScanner::is_in_the_way(const fs::path& thumbnail) const {
  std::error_code error;
  const auto status = fs::symlink_status(thumbnail, error);
  if (error || status.type() == fs::file_type::not_found) return false;
  return status.type() != fs::file_type::regular || !manifest_.made(thumbnail);
}

}  // namespace zpipe
