// libvips in the front's plugin (zpipe-images.so): started once, and a thumbnail's header read.
#pragma once

#include <filesystem>
#include <string>

namespace zpipe {

// Starts libvips once per process, with its operation cache off (the front reads each file
// once; a cached header would hide a thumbnail rewritten under the same name). "" or vips'
// reason why it cannot start. Any thread may call it.
const std::string& start_front_vips();

// The longer side in pixels of the image at `path`, reading only its header; 0 when it is not
// an image vips can read.
int image_longer_side(const std::filesystem::path& path);

}  // namespace zpipe
