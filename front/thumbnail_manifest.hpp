// ThumbnailManifest: the thumbnails zpipe made in an output folder, so that a run never writes
// over a file it did not make (a photo that happens to sit where a thumbnail would go). Kept in
// OUT_DIR/.zpipe-thumbnails, one path relative to OUT_DIR per line, appended as each thumbnail
// is recorded. A line lost in a crash only makes the next run leave that thumbnail alone.
#pragma once

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace zpipe {

class ThumbnailManifest {
 public:
  static constexpr const char* kFileName = ".zpipe-thumbnails";

  // Reads OUT_DIR's manifest (none yet: empty). `out_dir` absolute.
  explicit ThumbnailManifest(std::filesystem::path out_dir);

  // True when `thumbnail` (absolute, under the output folder) is one zpipe made.
  bool made(const std::filesystem::path& thumbnail) const;
  // Records `thumbnail` as made by zpipe. Creates the output folder and the manifest as
  // needed; a manifest that cannot be written is reported once on stderr and the run goes on
  // (the next run then leaves those thumbnails alone, the safe way round).
  void add(const std::filesystem::path& thumbnail);

 private:
  std::string key_of(const std::filesystem::path& thumbnail) const;

  std::filesystem::path out_dir_;
  std::set<std::string> made_;
  std::ofstream appender_;
  bool write_failed_ = false;
};

}  // namespace zpipe
