#include "front/front_vips.hpp"

#include <algorithm>
#include <cstdlib>

#include <vips/vips8>

namespace zpipe {

const std::string& start_front_vips() {
  static const std::string failure = [] {
    if (VIPS_INIT("zpipe") != 0) {
      std::string why = vips_error_buffer();
      vips_error_clear();
      return "libvips did not start: " + why;
    }
    vips_cache_set_max(0);
    std::atexit([] { vips_shutdown(); });
    return std::string();
  }();
  return failure;
}

int image_longer_side(const std::filesystem::path& path) {
  // Header only: vips reads the pixels of a file lazily, and they are never asked for here.
  VipsImage* header = vips_image_new_from_file(path.c_str(), nullptr);
  if (header == nullptr) {
    vips_error_clear();
    return 0;
  }
  const int longer = std::max(vips_image_get_width(header), vips_image_get_height(header));
  g_object_unref(header);
  return longer;
}

}  // namespace zpipe
