#include "worker/thumbnail_handler.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "tests/support/image_size.hpp"
#include "tests/support/temp_dir.hpp"
#include "worker/builtin_handlers.hpp"
#include "worker/vips_runtime.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;
using test::image_size;
using test::ImageSize;
using vips::VImage;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The format a file holds, from its first bytes (not from its name, nor from vips).
std::string format_of(const fs::path& path) {
  const auto bytes = read_bytes(path);
  if (bytes.rfind("\xFF\xD8\xFF", 0) == 0) return "jpeg";
  if (bytes.rfind("\x89PNG", 0) == 0) return "png";
  if (bytes.size() > 12 && bytes.rfind("RIFF", 0) == 0 && bytes.substr(8, 4) == "WEBP") {
    return "webp";
  }
  return "unknown";
}

// A test card: a horizontal gradient with a red square in the top-left corner, so that turns
// and flips show.
VImage test_card(int width, int height) {
  auto gradient =
      (VImage::xyz(width, height)[0] * (255.0 / std::max(1, width - 1))).cast(VIPS_FORMAT_UCHAR);
  auto rgb = gradient.bandjoin(gradient).bandjoin(gradient);
  const int side = std::max(1, std::min(width, height) / 4);
  auto red = VImage::black(side, side).new_from_image({255, 0, 0}).cast(VIPS_FORMAT_UCHAR);
  return rgb.insert(red, 0, 0).copy(
      VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
}

class ThumbnailHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(start_vips(), ""); }

  HandlerResult run(const nlohmann::json& payload) {
    const Job job{"t-1", "thumbnail", Payload::from_json(payload), 1, 1, 60'000, 0};
    const JobContext context(JobContext::Clock::now() + std::chrono::minutes(1), cancelled_);
    return thumbnail_handler(job, context);
  }
  HandlerResult run(const fs::path& in, const fs::path& out, int size = 256) {
    return run({{"in", in.string()}, {"out", out.string()}, {"size", size}});
  }
  fs::path write_image(const VImage& image, const std::string& name) {
    const auto path = dir_.path() / name;
    image.write_to_file(path.c_str());
    return path;
  }
  fs::path write_text(const std::string& text, const std::string& name) {
    const auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // Files in `dir` whose name says they are temporary thumbnails.
  static int temporaries_in(const fs::path& dir) {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().filename().string().find(".tmp-") != std::string::npos) ++count;
    }
    return count;
  }

  test::TempDir dir_;
  std::atomic<bool> cancelled_{false};
};

TEST_F(ThumbnailHandlerTest, IsABuiltinHandler) {
  EXPECT_EQ(builtin_handlers({}).count("thumbnail"), 1u);
}

TEST_F(ThumbnailHandlerTest, JpegFitsWithinTheBoxKeepingItsShape) {
  const auto in = write_image(test_card(640, 480), "card.jpg");
  const auto out = dir_.path() / "thumbs" / "card.jpg";
  const auto r = run(in, out);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(format_of(out), "jpeg");
  EXPECT_EQ(image_size(out), (ImageSize{256, 192}));
  const auto result = r.result.to_json();
  EXPECT_EQ(result["width"], 256);
  EXPECT_EQ(result["height"], 192);
  EXPECT_EQ(result["out"], out.string());
  EXPECT_EQ(result["bytes"], fs::file_size(out));
}

TEST_F(ThumbnailHandlerTest, PngInputToPngOutput) {
  const auto in = write_image(test_card(300, 900), "tall.png");
  const auto out = dir_.path() / "tall-thumb.png";
  const auto r = run(in, out, 128);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(format_of(out), "png");
  EXPECT_EQ(image_size(out), (ImageSize{43, 128}));
}

TEST_F(ThumbnailHandlerTest, WebpInputToWebpOutput) {
  const auto in = write_image(test_card(1000, 500), "wide.webp");
  const auto out = dir_.path() / "wide-thumb.webp";
  const auto r = run(in, out, 200);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(format_of(out), "webp");
  EXPECT_EQ(image_size(out), (ImageSize{200, 100}));
}

TEST_F(ThumbnailHandlerTest, FormatComesFromTheOutputExtension) {
  const auto in = write_image(test_card(400, 400), "square.jpg");
  for (const auto& [name, format] :
       {std::pair{"a.PNG", "png"}, std::pair{"b.webp", "webp"}, std::pair{"c.jpeg", "jpeg"}}) {
    const auto out = dir_.path() / name;
    const auto r = run(in, out, 64);
    ASSERT_FALSE(r.error) << r.error->message;
    EXPECT_EQ(format_of(out), format) << name;
  }
}

TEST_F(ThumbnailHandlerTest, ExifOrientationIsApplied) {
  // Stored 400x200 with orientation 6: to be shown turned 90 degrees clockwise, 200x400.
  auto card = test_card(400, 200).copy();
  card.set("orientation", 6);
  const auto in = write_image(card, "rotated.jpg");
  ASSERT_EQ(VImage::new_from_file(in.c_str()).get_int("orientation"), 6);
  const auto out = dir_.path() / "rotated-thumb.png";
  const auto r = run(in, out, 256);
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(image_size(out), (ImageSize{128, 256}));
  // Turned clockwise, the red top-left corner is now top-right.
  const auto thumb = VImage::new_from_file(out.c_str());
  const auto top_right = thumb.getpoint(120, 8);
  const auto top_left = thumb.getpoint(8, 8);
  EXPECT_GT(top_right[0], 200);
  EXPECT_LT(top_right[1], 60);
  EXPECT_LT(top_left[0], 200);
}

TEST_F(ThumbnailHandlerTest, MetadataIsStrippedUnlessAskedToKeepIt) {
  auto card = test_card(400, 300).copy();
  card.set("orientation", 1);
  const auto in = write_image(card, "exif.jpg");
  ASSERT_NE(vips_image_get_typeof(VImage::new_from_file(in.c_str()).get_image(), "exif-data"), 0u);
  const auto stripped = dir_.path() / "stripped.jpg";
  ASSERT_FALSE(run(in, stripped).error);
  EXPECT_EQ(vips_image_get_typeof(VImage::new_from_file(stripped.c_str()).get_image(), "exif-data"),
            0u);
  const auto kept = dir_.path() / "kept.jpg";
  ASSERT_FALSE(run({{"in", in.string()}, {"out", kept.string()}, {"strip", false}}).error);
  EXPECT_NE(vips_image_get_typeof(VImage::new_from_file(kept.c_str()).get_image(), "exif-data"),
            0u);
}

TEST_F(ThumbnailHandlerTest, QualityChangesTheJpegSize) {
  const auto in = write_image(test_card(800, 800) + VImage::gaussnoise(800, 800), "noisy.png");
  const auto low = dir_.path() / "low.jpg";
  const auto high = dir_.path() / "high.jpg";
  ASSERT_FALSE(run({{"in", in.string()}, {"out", low.string()}, {"quality", 20}}).error);
  ASSERT_FALSE(run({{"in", in.string()}, {"out", high.string()}, {"quality", 95}}).error);
  EXPECT_LT(fs::file_size(low), fs::file_size(high));
}

TEST_F(ThumbnailHandlerTest, ASmallImageKeepsItsSizeUnlessAskedToEnlarge) {
  const auto icon = write_image(test_card(48, 48), "icon.png");
  const auto kept = dir_.path() / "icon.png";
  const auto r = run(icon, kept, 256);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(image_size(kept), (ImageSize{48, 48}));
  EXPECT_EQ(r.result.to_json()["width"], 48);

  const auto enlarged = dir_.path() / "icon-256.png";
  const auto e =
      run({{"in", icon.string()}, {"out", enlarged.string()}, {"size", 256}, {"enlarge", true}});
  ASSERT_FALSE(e.error) << e.error->message;
  EXPECT_EQ(image_size(enlarged), (ImageSize{256, 256}));

  const auto dot = write_image(test_card(1, 1), "dot.png");
  const auto small = dir_.path() / "dot.jpg";
  ASSERT_FALSE(
      run({{"in", dot.string()}, {"out", small.string()}, {"size", 32}, {"enlarge", true}}).error);
  EXPECT_EQ(image_size(small), (ImageSize{32, 32}));
}

TEST_F(ThumbnailHandlerTest, AWideSmallImageStillShrinksToFit) {
  const auto in = write_image(test_card(400, 40), "banner.png");
  const auto out = dir_.path() / "banner-thumb.png";
  ASSERT_FALSE(run(in, out, 256).error);
  EXPECT_EQ(image_size(out), (ImageSize{256, 26}));
}

TEST_F(ThumbnailHandlerTest, LargeImage) {
  const auto in = write_image(test_card(6000, 4000), "large.jpg");
  const auto out = dir_.path() / "large-thumb.jpg";
  const auto r = run(in, out);
  ASSERT_FALSE(r.error) << r.error->message;
  EXPECT_EQ(image_size(out), (ImageSize{256, 171}));
}

TEST_F(ThumbnailHandlerTest, MissingFileFailsClearly) {
  const auto in = dir_.path() / "nowhere.jpg";
  const auto out = dir_.path() / "out.jpg";
  const auto r = run(in, out);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error->message, "cannot read '" + in.string() + "': no such file");
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ThumbnailHandlerTest, CorruptFileFailsAsNotAnImage) {
  const auto in = write_text(std::string(5000, 'x') + "not an image at all", "corrupt.jpg");
  const auto out = dir_.path() / "corrupt-thumb.jpg";
  const auto r = run(in, out);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kHandlerError);
  EXPECT_EQ(r.error->message, "cannot read '" + in.string() + "': not a known image format");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(temporaries_in(dir_.path()), 0);
}

TEST_F(ThumbnailHandlerTest, TruncatedJpegFails) {
  const auto whole = write_image(test_card(1200, 900) + VImage::gaussnoise(1200, 900), "whole.jpg");
  const auto bytes = read_bytes(whole);
  const auto in = write_text(bytes.substr(0, bytes.size() / 2), "truncated.jpg");
  const auto out = dir_.path() / "truncated-thumb.jpg";
  const auto r = run(in, out);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kHandlerError);
  EXPECT_EQ(r.error->message.rfind("cannot read '" + in.string() + "': ", 0), 0u)
      << r.error->message;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(temporaries_in(dir_.path()), 0);
}

TEST_F(ThumbnailHandlerTest, TruncatedPngFails) {
  const auto whole = write_image(test_card(600, 600) + VImage::gaussnoise(600, 600), "whole.png");
  const auto bytes = read_bytes(whole);
  const auto in = write_text(bytes.substr(0, bytes.size() / 3), "truncated.png");
  const auto r = run(in, dir_.path() / "t.png");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kHandlerError);
  EXPECT_EQ(r.error->message.rfind("cannot read '" + in.string() + "': ", 0), 0u)
      << r.error->message;
  // The reader's reason, not the saver's "unable to write to target" that follows from it.
  EXPECT_EQ(r.error->message.find("unable to write"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("libpng read error"), std::string::npos) << r.error->message;
}

TEST_F(ThumbnailHandlerTest, AFailureLeavesNoVipsErrorForTheNextJob) {
  const auto corrupt = write_text("garbage", "corrupt.png");
  ASSERT_TRUE(run(corrupt, dir_.path() / "x.png").error);
  const auto missing_format = write_text("still garbage", "other.webp");
  const auto r = run(missing_format, dir_.path() / "y.png");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message.find("corrupt.png"), std::string::npos) << r.error->message;
}

TEST_F(ThumbnailHandlerTest, ReplacesAnOlderThumbnailWhole) {
  const auto in = write_image(test_card(500, 500), "card.jpg");
  const auto out = write_text("an old thumbnail", "card-thumb.jpg");
  ASSERT_FALSE(run(in, out, 100).error);
  EXPECT_EQ(image_size(out), (ImageSize{100, 100}));
  EXPECT_EQ(temporaries_in(dir_.path()), 0);
}

TEST_F(ThumbnailHandlerTest, UnwritableOutputFailsAsIo) {
  const auto in = write_image(test_card(50, 50), "card.png");
  const auto blocker = write_text("a file where a folder should be", "blocker");
  const auto r = run(in, blocker / "out.jpg");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kIo);
  EXPECT_NE(r.error->message.find("cannot write"), std::string::npos) << r.error->message;
}

TEST_F(ThumbnailHandlerTest, RefusesBadPayloads) {
  const auto in = write_image(test_card(10, 10), "card.png");
  const nlohmann::json bad[] = {
      "just a string",
      {{"out", "/tmp/x.jpg"}},
      {{"in", in.string()}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.bmp").string()}},
      {{"in", in.string()}, {"out", (dir_.path() / "noext").string()}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"size", 0}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"size", 10001}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"size", -256}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"size", 256.5}},
      {{"in", in.string()},
       {"out", (dir_.path() / "x.jpg").string()},
       {"size", 18446744073709551615ULL}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"size", "big"}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"quality", 101}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"enlarge", "yes"}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"quality", 0}},
      {{"in", in.string()},
       {"out", (dir_.path() / "x.jpg").string()},
       {"quality", 4294967297ULL}},  // 2^32 + 1: 1 if cut to 32 bits
      {{"in", in.string() + std::string(1, '\0') + ".png"},
       {"out", (dir_.path() / "x.jpg").string()}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string() + std::string(1, '\0')}},
      {{"in", ""}, {"out", (dir_.path() / "x.jpg").string()}},
      {{"in", 7}, {"out", (dir_.path() / "x.jpg").string()}},
      {{"in", in.string()}, {"out", (dir_.path() / "x.jpg").string()}, {"strip", "yes"}},
  };
  for (const auto& payload : bad) {
    const auto r = run(payload);
    ASSERT_TRUE(r.error) << payload.dump();
    EXPECT_EQ(r.error->code, ErrorCode::kInvalid) << payload.dump();
    EXPECT_EQ(r.error->message.rfind("thumbnail: ", 0), 0u) << r.error->message;
  }
}

}  // namespace
}  // namespace zpipe
