// examples/upload_batch, the guide's worked example of follow-up jobs: one upload makes three
// thumbnails as a batch, and the batch's on_complete job writes a manifest of them.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <vips/vips8>

#include "tests/support/image_size.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(UploadBatch, MakesThreeSizesThenOneManifestThatListsThem) {
  if (VIPS_INIT("upload_batch_test") != 0) FAIL() << vips_error_buffer();
  TempDir dir;
  const auto image = dir.path() / "photo.jpg";
  const auto out = dir.path() / "thumbs";
  (vips::VImage::xyz(800, 600)[0] * 255.0 / 800)
      .cast(VIPS_FORMAT_UCHAR)
      .write_to_file(image.c_str());

  TestPipelineOptions options(1, 2);
  options.worker_program = "zpipe-example-upload";
  options.worker_program_args = {"worker"};
  TestPipeline pipeline(options);
  const auto submitted = run_program({program("zpipe-example-upload"), "submit", image.string(),
                                      out.string(), "--ventilator", pipeline.endpoints().submit},
                                     20s);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto batch = submitted.out.substr(0, submitted.out.find('\n'));
  ASSERT_FALSE(batch.empty());

  // Three thumbnails, then the manifest job the batch made when they had ended.
  ASSERT_TRUE(pipeline.wait_for_finished(4, 60s)) << pipeline.log_of("worker-0");
  const auto manifest_path = out / "photo.manifest.json";
  ASSERT_TRUE(fs::exists(manifest_path)) << pipeline.log_of("worker-0");
  const auto manifest = nlohmann::json::parse(std::ifstream(manifest_path));
  EXPECT_EQ(manifest["image"], image.string());
  EXPECT_EQ(manifest["batch"], batch);
  EXPECT_EQ(manifest["succeeded"], 3);
  EXPECT_EQ(manifest["dead"], 0);
  EXPECT_EQ(manifest["cancelled"], 0);
  EXPECT_EQ(manifest["dead_ids"], nlohmann::json::array());
  ASSERT_EQ(manifest["sizes"].size(), 3u) << manifest.dump(2);
  const int sizes[] = {128, 256, 512};
  for (std::size_t i = 0; i < 3; ++i) {
    const int size = sizes[i];
    const auto& entry = manifest["sizes"][i];
    SCOPED_TRACE(entry.dump());
    EXPECT_EQ(entry["size"], size);
    EXPECT_EQ(entry["status"], "written");
    const fs::path path = entry["path"].get<std::string>();
    EXPECT_EQ(path, out / ("photo-" + std::to_string(size) + ".jpg"));
    ASSERT_TRUE(fs::exists(path));
    EXPECT_EQ(image_size(path), (ImageSize{size, size * 3 / 4})) << "the longest side is size";
    EXPECT_EQ(entry["width"], size);
    EXPECT_EQ(entry["height"], size * 3 / 4);
    EXPECT_EQ(entry["bytes"], fs::file_size(path));
  }

  // The manifest job is the batch's child, made once.
  const auto store = pipeline.store();
  const auto complete = store->find(batch + ".complete").value();
  ASSERT_TRUE(complete.has_value());
  EXPECT_TRUE(complete->outcome.succeeded()) << complete->outcome.error;
  EXPECT_EQ(complete->outcome.parent, batch);
  EXPECT_EQ(complete->outcome.result.to_json()["manifest"], manifest_path.string());
  const auto shown = run_program(
      {program("zpipe"), "show", batch + ".complete", "--data-dir", pipeline.data_dir().string()},
      20s);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("parent        " + batch), std::string::npos) << shown.out;
  const auto batch_shown = run_program(
      {program("zpipe"), "batch", "show", batch, "--ventilator", pipeline.endpoints().submit}, 20s);
  ASSERT_EQ(batch_shown.exit_code, 0) << batch_shown.err;
  EXPECT_NE(batch_shown.out.find("thumbnails of photo.jpg"), std::string::npos) << batch_shown.out;
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
