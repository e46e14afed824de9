#include "front/thumbnail_manifest.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

namespace fs = std::filesystem;

TEST(ThumbnailManifest, KnowsOnlyTheThumbnailsItRecordedAcrossRuns) {
  test::TempDir dir;
  const auto out = dir.path() / "out";
  {
    ThumbnailManifest manifest(out);
    EXPECT_FALSE(manifest.made(out / "a.jpg"));
    manifest.add(out / "a.jpg");
    manifest.add(out / "sub" / "b.png");
    manifest.add(out / "a.jpg");  // recorded once
    EXPECT_TRUE(manifest.made(out / "a.jpg"));
  }
  const ThumbnailManifest next_run(out);
  EXPECT_TRUE(next_run.made(out / "a.jpg"));
  EXPECT_TRUE(next_run.made(out / "sub" / "b.png"));
  EXPECT_FALSE(next_run.made(out / "c.jpg"));
  EXPECT_FALSE(next_run.made(out / "sub"));
  std::ifstream file(out / ThumbnailManifest::kFileName);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "a.jpg\nsub/b.png\n");
}

TEST(ThumbnailManifest, WithSeveralSizesEachEntryNamesItsSizesFolder) {
  test::TempDir dir;
  const auto out = dir.path() / "out";
  {
    ThumbnailManifest manifest(out);
    manifest.add(out / "64" / "a.jpg");
    manifest.add(out / "128" / "a.jpg");
  }
  const ThumbnailManifest next_run(out);
  EXPECT_TRUE(next_run.made(out / "64" / "a.jpg"));
  EXPECT_TRUE(next_run.made(out / "128" / "a.jpg"));
  EXPECT_FALSE(next_run.made(out / "a.jpg")) << "a one-size run's thumbnail is another file";
  std::ifstream file(out / ThumbnailManifest::kFileName);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "64/a.jpg\n128/a.jpg\n");
}

}  // namespace
}  // namespace zpipe
