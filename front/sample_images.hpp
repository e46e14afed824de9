// Sample images for trying `zpipe thumbnail` without downloading anything: drawn with libvips
// (gradients, noise, shapes, text), in several sizes, shapes and formats, one of them stored
// on its side with an EXIF orientation tag saying how to show it upright.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace zpipe {

// The file names of the samples, in the order they are drawn.
std::vector<std::string> sample_image_names();

// Draws into `dir` (created if missing) each sample not there yet, writing each to a
// temporary file renamed into place, so an interrupted run leaves no half image. Returns how
// many it drew: 0 costs only a directory listing. Precondition: start_front_vips() has run.
// Throws std::runtime_error (vips::VError) naming the file when one cannot be written.
int write_sample_images(const std::filesystem::path& dir);

}  // namespace zpipe
