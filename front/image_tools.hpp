// ImageTools: what the `zpipe` front does with images itself (draw the sample images, read the
// size of a thumbnail it made), in the plugin zpipe-images.so with libvips, loaded only by the
// commands that need it (see common/plugin_loader.hpp): `zpipe status` or `zpipe submit` never
// load libvips' 110 libraries.
#pragma once

#include <filesystem>
#include <string>

namespace zpipe {

struct ImageTools {
  const char* zpipe_version;  // first: checked by load_plugin()
  // Starts libvips: "" or why it cannot.
  const std::string& (*start)();
  // write_sample_images() (sample_images.hpp); throws std::exception naming the file.
  int (*write_sample_images)(const std::filesystem::path& dir);
  // The longer side of the image at `path` in pixels, from its header; 0 when it cannot be
  // read as an image.
  int (*longer_side)(const std::filesystem::path& path);
};

inline constexpr const char* kImageToolsSymbol = "zpipe_image_tools";
inline constexpr const char* kImageToolsFile = "zpipe-images.so";

// Loads the plugin and starts libvips, once per process. Throws std::runtime_error with the
// reason when it cannot (the plugin missing, or libvips not starting).
const ImageTools& image_tools();
// What needs the tools only sometimes takes this, and calls it when it does: loading libvips
// and its modules takes about 0.2 s, a tenth of `zpipe thumbnail` on 200 new images, which
// never read a thumbnail's size.
using ImageToolsLoader = const ImageTools& (*)();

}  // namespace zpipe
