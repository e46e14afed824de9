// A full disk under the ventilator and the sink (a tmpfs of a few MiB): new jobs are refused as
// disk_full while the jobs held still run; the sink holds outcomes it cannot record rather than
// exit; when room returns everything goes on, and nothing accepted is lost or recorded twice.
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/small_filesystem.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

std::vector<JobSpec> echo_jobs(std::size_t count, std::size_t payload_bytes) {
  return std::vector<JobSpec>(
      count, JobSpec{"echo", Payload::from_json({{"pad", std::string(payload_bytes, 'x')}}), 0, 0});
}

// What takes the room of a data directory, for a failure's message.
std::string room_report(const std::filesystem::path& dir) {
  std::string text = "in " + dir.string() + ":";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      text += " " + entry.path().filename().string() + " " + std::to_string(entry.file_size());
    }
  }
  return text + "; free " + std::to_string(std::filesystem::space(dir).available);
}

class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = SmallFilesystem::cannot_mount()) GTEST_SKIP() << *why;
  }
};

TEST_F(FullDisk, NewJobsAreRefusedTheHeldOnesRunAndNothingIsLostWhenRoomReturns) {
  TestPipelineOptions options(0, 1);
  options.data_dir_bytes = 24 << 20;
  TestPipeline pipeline(options);
  ClientConfig config = ClientConfig::to(pipeline.endpoints().submit, 10s);
  config.busy_wait = 0ms;  // refusals come back at once
  Client client(config);

  // Held: accepted before the disk fills, run after.
  const auto held = client.submit(echo_jobs(500, 2000));
  ASSERT_TRUE(held.ok()) << held.error().message;
  const auto ballast = pipeline.data_dir_filesystem().fill("ballast");

  const auto refused = client.submit(echo_jobs(1, 100));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kDiskFull) << refused.error().message;
  EXPECT_NE(refused.error().message.find(pipeline.data_dir().string()), std::string::npos)
      << refused.error().message;
  std::vector<std::string> alerts;
  ASSERT_TRUE(wait_until(
      [&] {
        auto report = client.status_report();
        if (report.ok()) alerts = report.value().alerts;
        return mentions(alerts, "disk is full");
      },
      5s))
      << "zpipe status names the full disk";

  // The held jobs run; with no room, the sink holds their outcomes unacknowledged.
  pipeline.add_worker();
  ASSERT_TRUE(wait_until(
      [&] { return pipeline.log_of("sink").find("disk full") != std::string::npos; }, 15s))
      << pipeline.log_of("sink");
  EXPECT_TRUE(pipeline.exited_programs().empty()) << "a full disk stops nothing";
  // Said again while it lasts, with no submit to refuse: still shown after the 15 s an alert
  // lives without a repeat.
  std::this_thread::sleep_for(std::chrono::seconds(17));
  const auto later = client.status_report();
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(mentions(later.value().alerts, "disk is full")) << "zpipe status still says so";

  std::filesystem::remove(ballast);
  ASSERT_TRUE(pipeline.wait_for_finished(500, 30s));
  ASSERT_TRUE(wait_until([&] { return client.submit(echo_jobs(10, 100)).ok(); }, 5s))
      << "room again: jobs are accepted";
  ASSERT_TRUE(pipeline.wait_for_finished(510, 30s));
  ASSERT_TRUE(wait_until(
      [&] {
        auto report = client.status_report();
        return report.ok() && report.value().alerts.empty();
      },
      5s));

  const auto store = pipeline.store();
  for (const auto& id : held.value()) {
    const auto attempts = store->attempts(id);
    ASSERT_TRUE(attempts.ok());
    ASSERT_EQ(attempts.value().size(), 1u) << id << ": recorded once";
  }
  EXPECT_EQ(store->totals().value().succeeded, 510u);
  EXPECT_NE(pipeline.log_of("sink").find("the disk has room again"), std::string::npos);
  EXPECT_NE(pipeline.log_of("ventilator").find("the disk has room again"), std::string::npos);
  EXPECT_TRUE(pipeline.stop());
}

// The case that stopped the ventilator before: a producer fills the disk with jobs nobody runs.
// Their results are small (sleep 0): the reserve the ventilator keeps is room to record them.
// (Results as large as the payloads would fill it: the sink then waits for room, as above.)
TEST_F(FullDisk, AProducerCannotFillTheDiskUnderTheVentilator) {
  TestPipelineOptions options(0, 1);
  options.data_dir_bytes = 24 << 20;
  TestPipeline pipeline(options);
  ClientConfig config = ClientConfig::to(pipeline.endpoints().submit, 10s);
  config.busy_wait = 0ms;
  Client client(config);
  std::size_t accepted = 0;
  Error refusal{ErrorCode::kIo, ""};
  for (int i = 0; i < 1000; ++i) {
    const std::vector<JobSpec> jobs(
        100,
        JobSpec{"sleep", Payload::from_json({{"ms", 0}, {"pad", std::string(4000, 'x')}}), 0, 0});
    const auto ids = client.submit(jobs);  // 400 KB a request
    if (!ids.ok()) {
      refusal = ids.error();
      break;
    }
    accepted += ids.value().size();
  }
  ASSERT_EQ(refusal.code, ErrorCode::kDiskFull) << refusal.message;
  EXPECT_GT(accepted, 1000u);
  EXPECT_TRUE(pipeline.exited_programs().empty());
  EXPECT_NE(pipeline.log_of("ventilator").find("disk full: the ventilator's disk is full"),
            std::string::npos);

  // What it accepted runs, and is recorded: the reserve it kept is the sink's room.
  pipeline.add_worker();
  // (The outcomes recorded in the reserve keep no copy of their jobs' 4 KB payloads: that
  // copy is what the reserve would not hold.)
  const auto before_run = room_report(pipeline.data_dir());
  ASSERT_TRUE(pipeline.wait_for_finished(accepted, 60s))
      << "when the disk filled, " << before_run << "\nnow " << room_report(pipeline.data_dir())
      << "\n"
      << pipeline.log_of("sink");
  EXPECT_EQ(pipeline.store()->totals().value().succeeded, accepted);
  EXPECT_TRUE(pipeline.stop());
}

// Once "unable to open database file": now the path, and why.
TEST_F(FullDisk, AReadOnlyDataDirIsRefusedWithItsPathAndTheReason) {
  TempDir dir;
  const auto data = dir.path() / "data";
  SmallFilesystem read_only(data, 1 << 20, SmallFilesystem::Access::kReadOnly);
  const auto ventilator = run_program(
      {program("zpipe-ventilator"), "--data-dir", data.string(), "--submit", "tcp://127.0.0.1:*",
       "--jobs", "tcp://127.0.0.1:*", "--acks", "tcp://127.0.0.1:*", "--events-in",
       "tcp://127.0.0.1:*", "--events-out", "tcp://127.0.0.1:*"},
      10s);
  EXPECT_EQ(ventilator.exit_code, 1);
  EXPECT_NE(ventilator.err.find(data.string()), std::string::npos) << ventilator.err;
  EXPECT_NE(ventilator.err.find("Read-only file system"), std::string::npos) << ventilator.err;
  const auto sink = run_program(
      {program("zpipe-sink"), "--data-dir", data.string(), "--outcomes", "tcp://127.0.0.1:*"}, 10s);
  EXPECT_EQ(sink.exit_code, 1);
  EXPECT_NE(sink.err.find(data.string()), std::string::npos) << sink.err;
  EXPECT_NE(sink.err.find("Read-only file system"), std::string::npos) << sink.err;
}

}  // namespace
}  // namespace zpipe::test
