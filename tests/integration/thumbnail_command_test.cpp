// `zpipe thumbnail` as a user runs it: the real front starting a real pipeline of its own (or
// joining one with --connect), on a small folder of generated images.
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <vips/vips8>

#include "tests/support/image_size.hpp"
#include "tests/support/loopback_listener.hpp"
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
                                  "--data-dir",     (dir_.path() / "data").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_program(argv, 120s);
  }

  TempDir dir_;
  fs::path in_ = dir_.path() / "in";
  fs::path out_ = dir_.path() / "out";
};

// A 48x48 icon in a 256 box stays 48x48 (and a 640x320 image still shrinks); --enlarge makes
// it 256x256.
TEST_F(ThumbnailCommand, SmallImagesKeepTheirSizeUnlessEnlargeIsGiven) {
  fs::remove_all(in_);
  fs::create_directories(in_);
  draw("icon.png", 48, 48);
  draw("wide.jpg", 640, 320);
  const auto kept = thumbnail({}, "256");
  ASSERT_EQ(kept.exit_code, 0) << kept.out << kept.err;
  EXPECT_EQ(image_size(out_ / "icon.png"), (ImageSize{48, 48}));
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{256, 128}));

  const auto enlarged_out = dir_.path() / "enlarged";
  const auto enlarged = run_program(
      {program("zpipe"), "thumbnail", in_.string(), enlarged_out.string(), "--size", "256",
       "--enlarge", "--workers", "1", "--data-dir", (dir_.path() / "data").string()},
      120s);
  ASSERT_EQ(enlarged.exit_code, 0) << enlarged.out << enlarged.err;
  EXPECT_EQ(image_size(enlarged_out / "icon.png"), (ImageSize{256, 256}));
  EXPECT_EQ(image_size(enlarged_out / "wide.jpg"), (ImageSize{256, 128}));
}

// As many workers as cores unless --workers says otherwise.
TEST_F(ThumbnailCommand, StartsAWorkerPerCoreByDefault) {
  const auto help = run_program({program("zpipe"), "thumbnail", "--help"}, 10s);
  const auto cores = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_NE(help.out.find("--workers INT:INT in [1 - 256]=" + cores), std::string::npos)
      << help.out;
}

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

TEST_F(ThumbnailCommand, UsesARunningPipelineWithConnectLearningEachOutcomeFromTheVentilator) {
  TestPipeline pipeline({1, 2});
  // No --data-dir: how each job ended comes over the protocol, not from the sink's files
  // (a sink on another host).
  const auto run = run_program({program("zpipe"), "thumbnail", in_.string(), out_.string(),
                                "--size", "48", "--connect", pipeline.endpoints().submit},
                               60s);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // broken.jpg
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{48, 24}));
  EXPECT_NE(run.out.find("done      3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("failed    1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("cannot read: not a known image format"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("Failures are recorded in"), std::string::npos)
      << "that store is the running sink's, wherever it is";
  const auto rows = pipeline.store()->list({std::nullopt, "thumbnail", 100}).value();
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_EQ(row.outcome.max_attempts, 1u) << "a bad image stays bad";
  EXPECT_TRUE(pipeline.stop());
}

// The batch id on the summary's "  batch     ID" line; empty when there is none.
std::string batch_of(const std::string& out) {
  const std::string label = "\n  batch     ";
  const auto at = out.find(label);
  if (at == std::string::npos) return {};
  const auto start = at + label.size();
  return out.substr(start, out.find_first_of(" \n", start) - start);
}

// --sizes: a thumbnail per image and size, each size in a folder of its own, as one batch of
// images x sizes jobs that the running pipeline shows once the run is over.
TEST_F(ThumbnailCommand, SeveralSizesAreABatchOfAJobPerImageAndSizeInAFolderPerSize) {
  fs::remove(in_ / "broken.jpg");
  // Larger than both boxes: a thumbnail that keeps a small image's size is never taken for up
  // to date (is_up_to_date wants the box's side), which the second run below would show.
  draw("sub/nested.jpg", 300, 150);
  TestPipeline pipeline({2, 1});
  const auto run =
      run_program({program("zpipe"), "thumbnail", "--sizes", "64,128", in_.string(), out_.string(),
                   "--recursive", "--connect", pipeline.endpoints().submit},
                  60s);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("4 images in " + in_.string() + " -> " + out_.string() +
                         " (64, 128 px: 8 thumbnails)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("done      8"), std::string::npos) << run.out;
  const std::map<std::string, std::pair<ImageSize, ImageSize>> expected{
      {"wide.jpg", {{64, 32}, {128, 64}}},
      {"tall.png", {{32, 64}, {64, 128}}},
      {"square.webp", {{64, 64}, {128, 128}}},
      {"sub/nested.jpg", {{64, 32}, {128, 64}}}};
  for (const auto& [name, sizes] : expected) {
    EXPECT_EQ(image_size(out_ / "64" / name), sizes.first) << name;
    EXPECT_EQ(image_size(out_ / "128" / name), sizes.second) << name;
    EXPECT_FALSE(fs::exists(out_ / name)) << name << ": not where one size puts it";
  }

  const auto id = batch_of(run.out);
  ASSERT_FALSE(id.empty()) << run.out;
  EXPECT_NE(run.out.find("zpipe batch show " + id), std::string::npos) << run.out;
  const auto batches = pipeline.client().batches(std::vector<std::string>{id});
  ASSERT_TRUE(batches.ok()) << batches.error().message;
  ASSERT_EQ(batches.value().size(), 1u);
  const auto& batch = batches.value()[0];
  EXPECT_TRUE(batch.known);
  EXPECT_EQ(batch.description,
            "zpipe thumbnail " + in_.string() + " -> " + out_.string() + ", 2 sizes");
  EXPECT_EQ(batch.total, 8u) << "4 images x 2 sizes";
  EXPECT_EQ(batch.succeeded, 8u);
  EXPECT_EQ(batch.dead + batch.cancelled + batch.pending + batch.running, 0u);
  EXPECT_TRUE(batch.sealed);
  EXPECT_NE(batch.finished_ms, 0u);

  // Up to date for both sizes: nothing to do, so no batch.
  const auto again =
      run_program({program("zpipe"), "thumbnail", in_.string(), out_.string(), "--sizes", "128,64",
                   "--recursive", "--connect", pipeline.endpoints().submit},
                  60s);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("done      0"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("skipped   8"), std::string::npos) << again.out;
  EXPECT_EQ(batch_of(again.out), "") << again.out;

  // One value of --sizes is --size: the thumbnails go where they always did.
  const auto one_out = dir_.path() / "one";
  const auto one = run_program({program("zpipe"), "thumbnail", in_.string(), one_out.string(),
                                "--sizes", "64", "--connect", pipeline.endpoints().submit},
                               60s);
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_EQ(image_size(one_out / "wide.jpg"), (ImageSize{64, 32}));
  EXPECT_FALSE(fs::exists(one_out / "64"));
  EXPECT_TRUE(pipeline.stop());
}

TEST_F(ThumbnailCommand, SizeAndSizesTogetherAreAUsageError) {
  const auto both = run_program({program("zpipe"), "thumbnail", in_.string(), out_.string(),
                                 "--size", "64", "--sizes", "64,128"},
                                10s);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--size and --sizes do not go together"), std::string::npos) << both.err;
  EXPECT_FALSE(fs::exists(out_));
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

// Every file of `dir`, with its contents: what must not change.
std::map<std::string, std::string> contents_of(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().lexically_relative(dir).string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

TEST_F(ThumbnailCommand, RefusesToWriteThumbnailsOverTheImagesThemselves) {
  const auto before = contents_of(in_);
  fs::create_directory_symlink(in_, dir_.path() / "link");
  for (const auto& out : {in_.string(), in_.string() + "/", (in_ / "sub" / "..").string(),
                          (dir_.path() / "link").string()}) {
    const auto run = run_program({program("zpipe"), "thumbnail", in_.string(), out, "--data-dir",
                                  (dir_.path() / "data").string()},
                                 30s);
    EXPECT_EQ(run.exit_code, 2) << out << "\n" << run.out << run.err;
    EXPECT_NE(run.err.find("is the input folder"), std::string::npos) << run.err;
  }
  const auto inside = run_program({program("zpipe"), "thumbnail", (in_ / "sub").string(),
                                   in_.string(), "--data-dir", (dir_.path() / "data").string()},
                                  30s);
  EXPECT_EQ(inside.exit_code, 2) << inside.out << inside.err;
  EXPECT_NE(inside.err.find("is inside the output folder"), std::string::npos) << inside.err;
  EXPECT_EQ(contents_of(in_), before) << "not one image was touched";
}

TEST_F(ThumbnailCommand, LeavesAloneAFileItDidNotMakeAndSaysSo) {
  fs::remove(in_ / "broken.jpg");
  fs::create_directories(out_);
  // The user's own picture, where wide.jpg's thumbnail would go, older than wide.jpg.
  draw("../out/wide.jpg", 640, 320);
  fs::last_write_time(out_ / "wide.jpg", fs::last_write_time(in_ / "wide.jpg") - 60s);
  const auto users_picture = contents_of(out_).at("wide.jpg");

  const auto run = thumbnail();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // one image has no thumbnail
  EXPECT_NE(run.out.find("done      2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("left alone 1 (a file zpipe did not make is where the thumbnail goes)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("        wide.jpg"), std::string::npos) << run.out;
  EXPECT_EQ(contents_of(out_).at("wide.jpg"), users_picture);
  EXPECT_EQ(image_size(out_ / "tall.png"), (ImageSize{32, 64}));

  // Thumbnails it made itself are redone when their image changes.
  fs::last_write_time(in_ / "tall.png", fs::last_write_time(out_ / "tall.png") + 5s);
  const auto again = thumbnail();
  EXPECT_NE(again.out.find("done      1"), std::string::npos) << again.out;
  EXPECT_EQ(contents_of(out_).at("wide.jpg"), users_picture);

  fs::remove(out_ / "wide.jpg");
  const auto moved = thumbnail();
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_EQ(image_size(out_ / "wide.jpg"), (ImageSize{64, 32}));
}

TEST_F(ThumbnailCommand, ItsOwnPipelineNeverMeetsAnotherOnTheDefaultPorts) {
  fs::remove(in_ / "broken.jpg");
  // Something (here a bare listener, as a `zpipe up` would be) holds zpipe's default ports.
  std::vector<std::unique_ptr<LoopbackListener>> listeners;
  for (int port = 5570; port < 5576; ++port) {
    listeners.push_back(std::make_unique<LoopbackListener>(port));
  }
  const auto run = thumbnail();
  listeners.clear();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("done      3"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace zpipe::test
