// `zpipe thumbnail` as a user runs it: the real front starting a real pipeline on free ports
// (or joining one with --connect), on a small folder of generated images.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "front/free_ports.hpp"
#include "tests/support/image_size.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using vips::VImage;

class ThumbnailCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (VIPS_INIT("thumbnail_command_test") != 0) FAIL() << vips_error_buffer();
  }

  void SetUp() override {
    fs::create_directories(in_ / "sub");
    // name, size, expected thumbnail size in a 64 px box
    draw("wide.jpg", 640, 320);
    draw("tall.png", 200, 400);
    draw("square.webp", 300, 300);
    draw("sub/nested.jpg", 100, 50);
    std::ofstream(in_ / "broken.jpg") << "this is not a JPEG";
    std::ofstream(in_ / "notes.txt") << "not an image, not even by name";
  }

  void draw(const std::string& name, int width, int height) {
    (VImage::xyz(width, height)[0] * 255.0 / width)
        .cast(VIPS_FORMAT_UCHAR)
        .write_to_file((in_ / name).c_str());
  }

  ProgramRun thumbnail(std::vector<std::string> extra = {}, const std::string& size = "64") {
    std::vector<std::string> argv{program("zpipe"), "thumbnail",
                                  in_.string(),     out_.string(),
                                  "--size",         size,
                                  "--workers",      "2",
                                  "--port-base",    std::to_string(free_consecutive_ports(6)),
                                  "--data-dir",     (dir_.path() / "data").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_program(argv, 120s);
  }

  TempDir dir_;
  fs::path in_ = dir_.path() / "in";
  fs::path out_ = dir_.path() / "out";
};

TEST_F(ThumbnailCommand, ThumbnailsEveryImageReportsTheBrokenOneAndSkipsOnTheSecondRun) {
  const auto first = thumbnail({"--recursive"});
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;  // one image failed
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{64, 32}));
  EXPECT_EQ(image_size(out_ / "tall.png"), (ImageSize{32, 64}));
  EXPECT_EQ(image_size(out_ / "square.webp"), (ImageSize{64, 64}));
  EXPECT_EQ(image_size(out_ / "sub" / "nested.jpg"), (ImageSize{64, 32}));
  EXPECT_FALSE(fs::exists(out_ / "broken.jpg"));
  EXPECT_NE(first.out.find("done      4"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("failed    1"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("handler_error: cannot read: not a known image format"),
            std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("broken.jpg"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Thumbnails are in " + out_.string()), std::string::npos);

  const auto second = thumbnail({"--recursive"});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;  // broken.jpg is still broken
  EXPECT_NE(second.out.find("done      0"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("skipped   4"), std::string::npos) << second.out;

  fs::remove(in_ / "broken.jpg");
  const auto third = thumbnail({"--recursive"});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_NE(third.out.find("skipped   4"), std::string::npos) << third.out;
}

TEST_F(ThumbnailCommand, AChangedImageOrAnotherSizeIsDoneAgain) {
  fs::remove(in_ / "broken.jpg");
  ASSERT_EQ(thumbnail().exit_code, 0);
  EXPECT_FALSE(fs::exists(out_ / "sub")) << "not recursive: subfolders are left alone";
  fs::last_write_time(in_ / "wide.jpg", fs::last_write_time(out_ / "wide.jpg") + 5s);
  const auto changed = thumbnail();
  EXPECT_EQ(changed.exit_code, 0) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("done      1"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("skipped   2"), std::string::npos) << changed.out;

  const auto bigger = thumbnail({}, "100");
  EXPECT_EQ(bigger.exit_code, 0) << bigger.out << bigger.err;
  EXPECT_NE(bigger.out.find("done      3"), std::string::npos) << bigger.out;
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{100, 50}));
}

TEST_F(ThumbnailCommand, UsesARunningPipelineWithConnect) {
  fs::remove(in_ / "broken.jpg");
  TestPipeline pipeline({1, 2});
  const auto run = run_program(
      {program("zpipe"), "thumbnail", in_.string(), out_.string(), "--size", "48", "--connect",
       pipeline.endpoints().submit, "--data-dir", pipeline.data_dir().string()},
      60s);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{48, 24}));
  const auto rows = pipeline.store()->list({std::nullopt, "thumbnail", 100});
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) EXPECT_EQ(row.outcome.max_attempts, 1u) << "a bad image stays bad";
  EXPECT_TRUE(pipeline.stop());
}

TEST_F(ThumbnailCommand, MissingFoldersAreUsageErrors) {
  const auto none = run_program({program("zpipe"), "thumbnail"}, 10s);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("IN_DIR OUT_DIR"), std::string::npos) << none.err;
  const auto missing = run_program(
      {program("zpipe"), "thumbnail", (dir_.path() / "nowhere").string(), out_.string()}, 10s);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("is not a folder"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace zpipe::test
