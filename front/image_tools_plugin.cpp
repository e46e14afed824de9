// zpipe-images.so: the front's drawing and header reading with libvips, loaded by the commands
// that need it (image_tools.hpp).
#include "common/version.hpp"
#include "front/front_vips.hpp"
#include "front/image_tools.hpp"
#include "front/sample_images.hpp"

namespace {

constexpr zpipe::ImageTools kTools{zpipe::kZpipeVersion.data(), zpipe::start_front_vips,
                                   zpipe::write_sample_images, zpipe::image_longer_side};

}  // namespace

extern "C" __attribute__((visibility("default"))) const zpipe::ImageTools* zpipe_image_tools() {
  return &kTools;
}
