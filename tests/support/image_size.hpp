// ImageSize: the width and height of an image file, as the thumbnail tests check them. Needs
// libvips started (VIPS_INIT) by the test.
#pragma once

#include <filesystem>

#include <vips/vips8>

namespace zpipe::test {

struct ImageSize {
  int width = 0;
  int height = 0;
  friend bool operator==(const ImageSize&, const ImageSize&) = default;
};

inline ImageSize image_size(const std::filesystem::path& path) {
  const auto image = vips::VImage::new_from_file(path.c_str());
  return {image.width(), image.height()};
}

}  // namespace zpipe::test
