// ThumbnailPlan: which images of a folder need a thumbnail, where each thumbnail goes, and
// which thumbnails are already up to date (so that a re-run skips them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "front/image_tools.hpp"

namespace zpipe {

// One thumbnail to make: an image in one size.
struct ThumbnailTarget {
  std::filesystem::path image;      // absolute
  std::filesystem::path thumbnail;  // absolute, under the output folder
  int size = 0;                     // the box's side, in pixels
};

struct ThumbnailPlanOptions {
  std::filesystem::path in_dir;
  std::filesystem::path out_dir;
  bool recursive = false;
  // The boxes' sides, in pixels, each once; not empty. Several: each size's thumbnails go to a
  // folder of their own, OUT_DIR/<size>/.
  std::vector<int> sizes{256};
  std::string format = "same";  // same, jpg, png or webp

  bool has_size_folders() const { return sizes.size() > 1; }
};

// True for names zpipe takes for images: .jpg .jpeg .png .webp .tif .tiff .gif (any case),
// not hidden (a leading dot: temporary files, including the thumbnail handler's own).
bool is_image_name(const std::filesystem::path& name);

// Where the `size` thumbnail of `image` (under options.in_dir) goes: the same relative path
// under out_dir, or under out_dir/<size> when the plan has several sizes. Format "same" keeps the
// name when vips can write its format (jpg, jpeg, png, webp) and appends ".jpg" otherwise (a.gif ->
// a.gif.jpg); another format appends its extension unless the name has it already (a.png ->
// a.png.webp), so two images never share a thumbnail.
std::filesystem::path thumbnail_path(const ThumbnailPlanOptions& options,
                                     const std::filesystem::path& image, int size);

// Why out_dir cannot take in_dir's thumbnails, or std::nullopt when it can. Refused: the same
// folder (each thumbnail would replace its image), and in_dir inside out_dir (a thumbnail's
// path could be an image's: in=out/x, out/x/x/a.jpg -> out/x/a.jpg). Symbolic links and ".."
// are resolved first. out_dir inside in_dir is fine: scans skip it.
std::optional<std::string> folder_conflict(const std::filesystem::path& in_dir,
                                           const std::filesystem::path& out_dir);

// The thumbnails of the images under in_dir (its subfolders too when recursive, except
// out_dir): one per image and size, sorted by image path, then in the order of the sizes.
// Unreadable subfolders are skipped. Throws std::filesystem::filesystem_error when in_dir
// itself cannot be read.
std::vector<ThumbnailTarget> find_images(const ThumbnailPlanOptions& options);

// True when the target's thumbnail exists, is no older than its image (modification times),
// and its longer side is the target's size in pixels, as a thumbnail made with this size would
// be; reads only the thumbnail's header. The size check makes a run with another --size redo
// the thumbnails.
bool is_up_to_date(const ThumbnailTarget& target, ImageToolsLoader tools);

}  // namespace zpipe
