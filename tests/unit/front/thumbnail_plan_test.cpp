#include "front/thumbnail_plan.hpp"

#include <fstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "front/image_tools.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(ThumbnailPlan, ImageNamesByExtensionNotHidden) {
  for (const char* name : {"a.jpg", "B.JPEG", "c.png", "d.webp", "e.tif", "f.TIFF", "g.gif"}) {
    EXPECT_TRUE(is_image_name(name)) << name;
  }
  for (const char* name : {"a.txt", "jpg", ".hidden.jpg", ".a.jpg.tmp-x1Yz9q", "a.jpg.tmp-1"}) {
    EXPECT_FALSE(is_image_name(name)) << name;
  }
}

TEST(ThumbnailPlan, ThumbnailKeepsTheRelativePathAndAWritableFormat) {
  ThumbnailPlanOptions options{"/in", "/out", true, {256}, "same"};
  EXPECT_EQ(thumbnail_path(options, "/in/a/b.jpg", 256), fs::path("/out/a/b.jpg"));
  EXPECT_EQ(thumbnail_path(options, "/in/c.PNG", 256), fs::path("/out/c.PNG"));
  EXPECT_EQ(thumbnail_path(options, "/in/scan.tif", 256), fs::path("/out/scan.tif.jpg"));
  options.format = "webp";
  EXPECT_EQ(thumbnail_path(options, "/in/a.jpg", 256), fs::path("/out/a.jpg.webp"));
  EXPECT_EQ(thumbnail_path(options, "/in/a.webp", 256), fs::path("/out/a.webp"));
}

TEST(ThumbnailPlan, SeveralSizesGoToAFolderPerSizeOneSizeDoesNot) {
  ThumbnailPlanOptions options{"/in", "/out", true, {128}, "same"};
  EXPECT_FALSE(options.has_size_folders());
  EXPECT_EQ(thumbnail_path(options, "/in/a/b.jpg", 128), fs::path("/out/a/b.jpg"))
      << "one size: the layout of --size";
  options.sizes = {128, 512};
  EXPECT_TRUE(options.has_size_folders());
  EXPECT_EQ(thumbnail_path(options, "/in/a/b.jpg", 128), fs::path("/out/128/a/b.jpg"));
  EXPECT_EQ(thumbnail_path(options, "/in/a/b.jpg", 512), fs::path("/out/512/a/b.jpg"));
  EXPECT_EQ(thumbnail_path(options, "/in/scan.tif", 512), fs::path("/out/512/scan.tif.jpg"));
}

class ThumbnailPlanFiles : public ::testing::Test {
 protected:
  // The front's plugin (it starts libvips, which image() draws with too).
  void SetUp() override { (void)image_tools(); }
  fs::path image(const fs::path& relative, int width, int height) {
    const auto path = dir_.path() / relative;
    fs::create_directories(path.parent_path());
    vips::VImage::black(width, height).write_to_file(path.c_str());
    return path;
  }
  test::TempDir dir_;
};

TEST_F(ThumbnailPlanFiles, FindsImagesSortedAndLeavesTheOutputFolderOut) {
  image("in/b.jpg", 4, 4);
  image("in/a.png", 4, 4);
  image("in/sub/c.webp", 4, 4);
  image("in/thumbs/a.png", 4, 4);  // output folder inside the input
  std::ofstream(dir_.path() / "in" / "readme.txt") << "text";
  const ThumbnailPlanOptions flat{
      dir_.path() / "in", dir_.path() / "in" / "thumbs", false, {256}, "same"};
  const auto top = find_images(flat);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].image, dir_.path() / "in" / "a.png");
  EXPECT_EQ(top[0].thumbnail, dir_.path() / "in" / "thumbs" / "a.png");
  EXPECT_EQ(top[0].size, 256);
  EXPECT_EQ(top[1].image, dir_.path() / "in" / "b.jpg");

  auto recursive = flat;
  recursive.recursive = true;
  const auto all = find_images(recursive);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].image, dir_.path() / "in" / "sub" / "c.webp");
  EXPECT_EQ(all[2].thumbnail, dir_.path() / "in" / "thumbs" / "sub" / "c.webp");
}

TEST_F(ThumbnailPlanFiles, FindsAThumbnailPerImageAndSizeInTheOrderOfTheSizes) {
  image("in/b.jpg", 4, 4);
  image("in/a.png", 4, 4);
  const auto out = dir_.path() / "out";
  const auto targets = find_images({dir_.path() / "in", out, false, {64, 128, 512}, "same"});
  ASSERT_EQ(targets.size(), 6u) << "images x sizes";
  const std::vector<std::pair<fs::path, int>> expected{
      {out / "64" / "a.png", 64}, {out / "128" / "a.png", 128}, {out / "512" / "a.png", 512},
      {out / "64" / "b.jpg", 64}, {out / "128" / "b.jpg", 128}, {out / "512" / "b.jpg", 512}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(targets[i].thumbnail, expected[i].first) << i;
    EXPECT_EQ(targets[i].size, expected[i].second) << i;
    EXPECT_EQ(targets[i].image, dir_.path() / "in" / (i < 3 ? "a.png" : "b.jpg")) << i;
  }
}

TEST_F(ThumbnailPlanFiles, UpToDateWhenNewerThanTheImageAndOfTheSize) {
  const ThumbnailTarget target{image("photo.jpg", 800, 600), dir_.path() / "thumb.jpg", 256};
  EXPECT_FALSE(is_up_to_date(target, &image_tools)) << "no thumbnail yet";
  image("thumb.jpg", 256, 192);
  fs::last_write_time(target.thumbnail, fs::last_write_time(target.image) + 1s);
  EXPECT_TRUE(is_up_to_date(target, &image_tools));
  auto smaller = target;
  smaller.size = 128;
  EXPECT_FALSE(is_up_to_date(smaller, &image_tools)) << "made for another size";
  fs::last_write_time(target.image, fs::last_write_time(target.thumbnail) + 1s);
  EXPECT_FALSE(is_up_to_date(target, &image_tools)) << "the image changed after";
}

TEST_F(ThumbnailPlanFiles, AnUnreadableThumbnailIsNotUpToDate) {
  const ThumbnailTarget target{image("photo.jpg", 80, 60), dir_.path() / "thumb.jpg", 256};
  std::ofstream(target.thumbnail) << "half a thumbnail";
  fs::last_write_time(target.thumbnail, fs::last_write_time(target.image) + 1s);
  EXPECT_FALSE(is_up_to_date(target, &image_tools));
}

TEST(ThumbnailPlanFolders, RefusesTheInputFolderAsOutputHoweverItIsWritten) {
  test::TempDir dir;
  const auto photos = dir.path() / "photos";
  fs::create_directories(photos / "sub");
  fs::create_directory_symlink(photos, dir.path() / "link");
  for (const auto& out :
       {photos, fs::path(photos.string() + "/"), photos / "sub" / "..", dir.path() / "link"}) {
    const auto conflict = folder_conflict(photos, out);
    ASSERT_TRUE(conflict.has_value()) << out;
    EXPECT_NE(conflict->find("is the input folder"), std::string::npos) << *conflict;
  }
  // Through a link, the message says where it leads.
  EXPECT_NE(folder_conflict(photos, dir.path() / "link")->find("(" + photos.string() + ")"),
            std::string::npos);
}

TEST(ThumbnailPlanFolders, RefusesAnInputFolderInsideTheOutputFolder) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "out" / "photos");
  const auto conflict = folder_conflict(dir.path() / "out" / "photos", dir.path() / "out");
  ASSERT_TRUE(conflict.has_value());
  EXPECT_NE(conflict->find("is inside the output folder"), std::string::npos) << *conflict;
}

TEST(ThumbnailPlanFolders, TakesSeparateFoldersAndAnOutputFolderInsideTheInput) {
  test::TempDir dir;
  fs::create_directories(dir.path() / "photos");
  EXPECT_FALSE(folder_conflict(dir.path() / "photos", dir.path() / "thumbs").has_value());
  EXPECT_FALSE(folder_conflict(dir.path() / "photos", dir.path() / "photos" / "thumbs"));
  EXPECT_FALSE(folder_conflict(dir.path() / "photos", dir.path() / "photos-thumbs"))
      << "a folder whose name starts like the input's is not inside it";
}

}  // namespace
}  // namespace zpipe
