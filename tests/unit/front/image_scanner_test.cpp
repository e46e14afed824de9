#include "front/image_scanner.hpp"

#include <fstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ImageScannerFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    (void)image_tools();  // starts libvips, which draw() uses too
    fs::create_directories(in());
  }
  fs::path in() const { return dir_.path() / "in"; }
  fs::path out() const { return dir_.path() / "out"; }
  void draw(const fs::path& path, int width, int height) {
    fs::create_directories(path.parent_path());
    vips::VImage::black(width, height).write_to_file(path.c_str());
  }
  ThumbnailPlanOptions plan(std::vector<int> sizes = {16}) const {
    return {in(), out(), false, std::move(sizes), "same"};
  }

  test::TempDir dir_;
};

TEST_F(ImageScannerFiles, ReturnsEachImageOnceUntilItChanges) {
  draw(in() / "a.png", 40, 30);
  ThumbnailManifest manifest(out());
  ImageScanner scanner(plan(), manifest, &image_tools);
  ASSERT_EQ(scanner.scan(false).size(), 1u);
  EXPECT_TRUE(scanner.scan(false).empty()) << "already returned";
  draw(in() / "a.png", 50, 30);  // another size: a new version
  EXPECT_EQ(scanner.scan(false).size(), 1u);
}

TEST_F(ImageScannerFiles, WithRequireStableAnImageWaitsOneScanWithoutChanging) {
  ThumbnailManifest manifest(out());
  ImageScanner scanner(plan(), manifest, &image_tools);
  draw(in() / "b.png", 40, 30);
  EXPECT_TRUE(scanner.scan(true).empty()) << "first seen: it may still be being written";
  EXPECT_EQ(scanner.scan(true).size(), 1u);
}

TEST_F(ImageScannerFiles, SkipsUpToDateThumbnailsAndLeavesAloneFilesItDidNotMake) {
  draw(in() / "made.png", 40, 30);
  draw(in() / "theirs.png", 40, 30);
  draw(out() / "made.png", 16, 12);  // newer than its image, and of the size
  ThumbnailManifest manifest(out());
  manifest.add(out() / "made.png");
  std::ofstream(out() / "theirs.png") << "a user's file";
  ImageScanner scanner(plan(), manifest, &image_tools);
  const auto work = scanner.scan(false);
  EXPECT_TRUE(work.empty());
  EXPECT_EQ(scanner.skipped(), 1u);
  EXPECT_EQ(scanner.left_alone(), std::vector<std::string>{"theirs.png"});
}

// Each size of an image is a thumbnail of its own, in its size's folder, and listed in the
// manifest under that folder: one up to date is skipped, the others are made.
TEST_F(ImageScannerFiles, WithSeveralSizesEachSizeIsSkippedOrReturnedOnItsOwn) {
  draw(in() / "a.png", 40, 30);
  draw(out() / "16" / "a.png", 16, 12);  // newer than its image, and of its size
  ThumbnailManifest manifest(out());
  manifest.add(out() / "16" / "a.png");
  ImageScanner scanner(plan({16, 32}), manifest, &image_tools);
  const auto work = scanner.scan(false);
  ASSERT_EQ(work.size(), 1u);
  EXPECT_EQ(work[0].thumbnail, out() / "32" / "a.png");
  EXPECT_EQ(work[0].size, 32);
  EXPECT_EQ(scanner.skipped(), 1u);
  EXPECT_TRUE(scanner.scan(false).empty()) << "already returned";

  draw(in() / "a.png", 50, 30);  // a new version, newer than the thumbnails: both sizes again
  fs::last_write_time(in() / "a.png", fs::last_write_time(out() / "16" / "a.png") + 1s);
  EXPECT_EQ(scanner.scan(false).size(), 2u);
}

}  // namespace
}  // namespace zpipe
