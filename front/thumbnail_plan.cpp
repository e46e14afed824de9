#include "front/thumbnail_plan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

namespace zpipe {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& path) {
  auto extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

bool is_within(const fs::path& path, const fs::path& dir) {
  const auto [dir_end, path_it] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return dir_end == dir.end();
}

}  // namespace

bool is_image_name(const fs::path& name) {
  static constexpr std::array<const char*, 7> kExtensions{".jpg", ".jpeg", ".png", ".webp",
                                                          ".tif", ".tiff", ".gif"};
  const auto file = name.filename().string();
  if (file.empty() || file[0] == '.') return false;
  const auto extension = lower_extension(name);
  return std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end();
}

fs::path thumbnail_path(const ThumbnailPlanOptions& options, const fs::path& image, int size) {
  auto relative = image.lexically_relative(options.in_dir);
  if (relative.empty() || *relative.begin() == "..") relative = image.filename();
  auto out = options.has_size_folders() ? options.out_dir / std::to_string(size) / relative
                                        : options.out_dir / relative;
  const auto extension = lower_extension(out);
  if (options.format == "same") {
    const bool writable =
        extension == ".jpg" || extension == ".jpeg" || extension == ".png" || extension == ".webp";
    if (!writable) out += ".jpg";
  } else if (extension != "." + options.format) {
    out += "." + options.format;
  }
  return out;
}

std::optional<std::string> folder_conflict(const fs::path& in_dir, const fs::path& out_dir) {
  // Absolute and normal, without a trailing separator; `resolved` also follows symbolic links.
  const auto plain = [](const fs::path& path, bool resolved) {
    auto result = fs::absolute(path).lexically_normal();
    if (resolved) {
      std::error_code error;
      auto real = fs::weakly_canonical(result, error);
      if (!error) result = real;
    }
    return result.has_filename() ? result : result.parent_path();
  };
  const auto in = plain(in_dir, true);
  const auto out = plain(out_dir, true);
  const auto seen_as = [&](const fs::path& given, const fs::path& real) {
    return plain(given, false) == real ? std::string() : " (" + real.string() + ")";
  };
  if (in == out) {
    return "the output folder " + out_dir.string() + seen_as(out_dir, out) +
           " is the input folder: its thumbnails would replace the images. Give another "
           "OUT_DIR";
  }
  if (is_within(in, out)) {
    return "the input folder " + in_dir.string() + seen_as(in_dir, in) +
           " is inside the output folder " + out_dir.string() + seen_as(out_dir, out) +
           ": thumbnails could be written over images. Give an OUT_DIR outside it";
  }
  return std::nullopt;
}

std::vector<ThumbnailTarget> find_images(const ThumbnailPlanOptions& options) {
  std::vector<ThumbnailTarget> targets;
  const auto in_dir = fs::absolute(options.in_dir).lexically_normal();
  const auto out_dir = fs::absolute(options.out_dir).lexically_normal();
  const ThumbnailPlanOptions absolute{in_dir, out_dir, options.recursive, options.sizes,
                                      options.format};
  auto consider = [&](const fs::directory_entry& entry) {
    std::error_code error;
    if (!entry.is_regular_file(error) || !is_image_name(entry.path())) return;
    for (const int size : options.sizes) {
      targets.push_back({entry.path(), thumbnail_path(absolute, entry.path(), size), size});
    }
  };
  if (options.recursive) {
    fs::recursive_directory_iterator it(in_dir, fs::directory_options::skip_permission_denied);
    for (const auto end = fs::recursive_directory_iterator(); it != end; ++it) {
      std::error_code error;
      // Thumbnails written into a folder inside the input must not become inputs themselves.
      if (it->is_directory(error) && is_within(it->path(), out_dir)) {
        it.disable_recursion_pending();
        continue;
      }
      consider(*it);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(in_dir)) consider(entry);
  }
  // Stable: an image's thumbnails stay in the order of the sizes.
  std::stable_sort(targets.begin(), targets.end(),
                   [](const auto& a, const auto& b) { return a.image < b.image; });
  return targets;
}

bool is_up_to_date(const ThumbnailTarget& target, ImageToolsLoader tools) {
  std::error_code error;
  const auto thumbnail_time = fs::last_write_time(target.thumbnail, error);
  if (error) return false;
  const auto image_time = fs::last_write_time(target.image, error);
  if (error || thumbnail_time < image_time) return false;
  return tools().longer_side(target.thumbnail) == target.size;
}

}  // namespace zpipe
