// libvips in the `zpipe` front (sample images, reading thumbnail headers): started once.
#pragma once

namespace zpipe {

// Starts libvips once per process, with its operation cache off (the front reads each file
// once; a cached header would hide a thumbnail rewritten under the same name). Throws
// std::runtime_error with vips' reason when it cannot start. Any thread may call it.
void start_front_vips();

}  // namespace zpipe
