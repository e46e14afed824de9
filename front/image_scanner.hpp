// ImageScanner: which images of a `zpipe thumbnail` run need a thumbnail, scan after scan
// (--watch scans every second): an image is looked at again only when it changed, one still
// being copied in waits until it stops changing, an up-to-date thumbnail is skipped, and a file
// zpipe did not make where a thumbnail would go is left alone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "front/image_tools.hpp"
#include "front/thumbnail_manifest.hpp"
#include "front/thumbnail_plan.hpp"

namespace zpipe {

class ImageScanner {
 public:
  // `manifest` and `tools` outlive the scanner.
  ImageScanner(ThumbnailPlanOptions plan, const ThumbnailManifest& manifest, ImageToolsLoader tools)
      : plan_(std::move(plan)), manifest_(manifest), tools_(tools) {}

  // The thumbnails needed (one per image and size) that no earlier scan returned (or whose image
  // changed since).
  // With `require_stable`, an image is taken only once it looks the same as at the previous
  // scan, so that one still being written is not thumbnailed half written.
  std::vector<ThumbnailTarget> scan(bool require_stable);

  std::size_t skipped() const { return skipped_; }  // thumbnails up to date
  // Thumbnail paths relative to the output folder where a file zpipe did not make stands.
  const std::vector<std::string>& left_alone() const { return left_alone_; }

 private:
  // What a file looked like when seen: a changed stamp means a new version of the image.
  struct FileStamp {
    std::filesystem::file_time_type time{};
    std::uintmax_t size = 0;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };

  bool is_in_the_way(const std::filesystem::path& thumbnail) const;

  ThumbnailPlanOptions plan_;
  const ThumbnailManifest& manifest_;
  ImageToolsLoader tools_;
  // By thumbnail path, the stamp of its image:
  std::map<std::string, FileStamp> handled_;    // returned or skipped, as they were
  std::map<std::string, FileStamp> last_seen_;  // require_stable: as at the previous scan
  std::size_t skipped_ = 0;
  std::vector<std::string> left_alone_;
};

}  // namespace zpipe
