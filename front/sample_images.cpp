#include "front/sample_images.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include <vips/vips8>

namespace zpipe {
namespace {

namespace fs = std::filesystem;
using vips::VImage;

struct Sample {
  const char* name;
  int width;
  int height;
  int seed;  // varies colours and shapes
  enum class Kind { kGradient, kRadial, kNoise, kShapes, kText, kUpsideOrientation } kind;
};

// Sizes and shapes a photo folder has: camera and phone shots, screenshots, a panorama, a
// large scan, an icon.
constexpr Sample kSamples[] = {
    {"sunrise-1920x1080.jpg", 1920, 1080, 1, Sample::Kind::kGradient},
    {"portrait-1080x1920.jpg", 1080, 1920, 2, Sample::Kind::kRadial},
    {"static-1280x720.jpg", 1280, 720, 3, Sample::Kind::kNoise},
    {"shapes-1600x1200.jpg", 1600, 1200, 4, Sample::Kind::kShapes},
    {"poster-1200x1600.jpg", 1200, 1600, 5, Sample::Kind::kText},
    {"rotated-exif-6.jpg", 1500, 1000, 6, Sample::Kind::kUpsideOrientation},
    {"panorama-4000x800.jpg", 4000, 800, 7, Sample::Kind::kGradient},
    {"scan-4000x3000.jpg", 4000, 3000, 8, Sample::Kind::kShapes},
    {"screenshot-1366x768.png", 1366, 768, 9, Sample::Kind::kText},
    {"logo-512x512.png", 512, 512, 10, Sample::Kind::kShapes},
    {"icon-48x48.png", 48, 48, 11, Sample::Kind::kRadial},
    {"texture-800x800.png", 800, 800, 12, Sample::Kind::kNoise},
    {"banner-1500x500.webp", 1500, 500, 13, Sample::Kind::kText},
    {"garden-1024x768.webp", 1024, 768, 14, Sample::Kind::kRadial},
    {"pattern-600x900.webp", 600, 900, 15, Sample::Kind::kShapes},
    {"archive-2000x1500.tif", 2000, 1500, 16, Sample::Kind::kGradient},
    {"dusk-2048x1365.jpg", 2048, 1365, 17, Sample::Kind::kRadial},
    {"street-1000x1000.jpg", 1000, 1000, 18, Sample::Kind::kNoise},
    {"title-1920x1080.png", 1920, 1080, 19, Sample::Kind::kText},
    {"tiles-3000x2000.jpg", 3000, 2000, 20, Sample::Kind::kShapes},
};

std::vector<double> colour(int seed, int shift) {
  const double hue = (seed * 47 + shift * 113) % 360 * M_PI / 180.0;
  return {127.5 + 127.5 * std::cos(hue), 127.5 + 127.5 * std::cos(hue - 2.094),
          127.5 + 127.5 * std::cos(hue + 2.094)};
}

VImage as_srgb(const VImage& image) {
  return image.cast(VIPS_FORMAT_UCHAR)
      .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

// From colour a (left, top) to colour b (right, bottom).
VImage gradient(int width, int height, int seed) {
  const auto xy = VImage::xyz(width, height);
  const auto t = (xy[0] / std::max(1, width - 1) + xy[1] / std::max(1, height - 1)) / 2.0;
  const auto a = colour(seed, 0);
  const auto b = colour(seed, 1);
  std::vector<double> from(a), delta(3);
  for (int i = 0; i < 3; ++i) delta[i] = b[i] - a[i];
  return as_srgb(t.bandjoin(t).bandjoin(t).linear(delta, from));
}

VImage radial(int width, int height, int seed) {
  const auto xy = VImage::xyz(width, height) - std::vector<double>{width / 2.0, height / 2.0};
  const auto distance = (xy[0].pow(2) + xy[1].pow(2)).pow(0.5);
  const double reach = std::hypot(width / 2.0, height / 2.0);
  const auto t = (distance / reach * 6.0).sin() * 0.5 + 0.5;
  return as_srgb(t.bandjoin(t).bandjoin(t).linear(
      {colour(seed, 2)[0] - 20, colour(seed, 2)[1] - 20, colour(seed, 2)[2] - 20}, {20, 20, 20}));
}

VImage noise(int width, int height, int seed) {
  // Film grain over a gradient: hard for JPEG, like real photos of dim scenes.
  auto band = [&](int i) { return (VImage::gaussnoise(width, height) - 128.0) * (1.5 + 0.3 * i); };
  return as_srgb(gradient(width, height, seed) * 0.8 + band(0).bandjoin(band(1)).bandjoin(band(2)) +
                 std::vector<double>{25, 25, 25});
}

VImage shapes(int width, int height, int seed) {
  auto image = gradient(width, height, seed + 5).copy_memory();
  const int unit = std::max(2, std::min(width, height) / 8);
  for (int i = 0; i < 12; ++i) {
    const int x = (seed * 131 + i * 397) % std::max(1, width);
    const int y = (seed * 71 + i * 263) % std::max(1, height);
    if (i % 2 == 0) {
      image.draw_circle(colour(seed, i + 4), x, y, unit / 2 + (i * 13) % unit,
                        VImage::option()->set("fill", true));
    } else {
      image.draw_rect(colour(seed, i + 4), x, y, unit + (i * 29) % unit, unit / 2 + i * 7,
                      VImage::option()->set("fill", true));
    }
  }
  return image;
}

// `words` in white, centred, on a gradient.
VImage with_text(const VImage& background, const std::string& words) {
  const int width = background.width();
  const int height = background.height();
  auto mask = VImage::text(words.c_str(), VImage::option()
                                              ->set("width", width * 8 / 10)
                                              ->set("height", height / 3)
                                              ->set("align", VIPS_ALIGN_CENTRE));
  if (mask.width() > width || mask.height() > height) return background;
  mask = mask.embed((width - mask.width()) / 2, (height - mask.height()) / 2, width, height);
  return as_srgb(mask.ifthenelse(std::vector<double>{255, 255, 255}, background,
                                 VImage::option()->set("blend", true)));
}

VImage draw(const Sample& sample) {
  const int w = sample.width;
  const int h = sample.height;
  switch (sample.kind) {
    case Sample::Kind::kGradient:
      return gradient(w, h, sample.seed);
    case Sample::Kind::kRadial:
      return radial(w, h, sample.seed);
    case Sample::Kind::kNoise:
      return noise(w, h, sample.seed);
    case Sample::Kind::kShapes:
      return shapes(w, h, sample.seed);
    case Sample::Kind::kText:
      return with_text(gradient(w, h, sample.seed), std::string("zpipe ") + sample.name);
    case Sample::Kind::kUpsideOrientation: {
      // Drawn upright as h x w with "this way up" at the top, then stored turned a quarter
      // anticlockwise with orientation 6 ("turn 90 degrees clockwise to show"). A viewer or
      // thumbnailer that ignores the tag shows it on its side.
      auto upright = with_text(shapes(h, w, sample.seed), "this way up");
      auto stored = upright.rot270().copy();
      stored.set("orientation", 6);
      return stored;
    }
  }
  return gradient(w, h, sample.seed);
}

}  // namespace

std::vector<std::string> sample_image_names() {
  std::vector<std::string> names;
  for (const auto& sample : kSamples) names.emplace_back(sample.name);
  return names;
}

int write_sample_images(const fs::path& dir) {
  fs::create_directories(dir);
  int drawn = 0;
  for (const auto& sample : kSamples) {
    const auto path = dir / sample.name;
    if (fs::exists(path)) continue;
    // The extension last, so that vips picks the format from it.
    const auto temp = dir / (std::string(".tmp-") + sample.name);
    draw(sample).write_to_file(temp.c_str(), VImage::option()->set("strip", false));
    fs::rename(temp, path);
    ++drawn;
  }
  return drawn;
}

}  // namespace zpipe
