#include "front/front_vips.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <vips/vips8>

namespace zpipe {

void start_front_vips() {
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
  if (!failure.empty()) throw std::runtime_error(failure);
}

}  // namespace zpipe
