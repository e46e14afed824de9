#include "worker/options.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "tests/support/argv.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

TEST(WorkerOptions, EveryFlagReachesTheConfig) {
  test::Argv args{"zpipe-worker",
                  "-c",
                  "4",
                  "--prefetch",
                  "2",
                  "--isolate",
                  "--memory-limit",
                  "64",
                  "--grace",
                  "1.5",
                  "--heartbeat",
                  "0.25",
                  "--name",
                  "w1",
                  "--exec-output-limit",
                  "1000",
                  "--jobs-from",
                  "tcp://127.0.0.1:7001",
                  "--outcomes-to",
                  "tcp://127.0.0.1:7002",
                  "--events-to",
                  "tcp://127.0.0.1:7004"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  const auto& config = std::get<WorkerOptions>(parsed).config;
  EXPECT_EQ(config.concurrency, 4u);
  EXPECT_EQ(config.prefetch, 2u);
  EXPECT_TRUE(config.isolate);
  EXPECT_EQ(config.isolation.memory_limit_bytes, 64u << 20);
  EXPECT_EQ(config.grace, 1500ms);
  EXPECT_EQ(config.heartbeat, 250ms);
  EXPECT_EQ(config.name, "w1");
  EXPECT_EQ(config.exec.output_bytes, 1000u);
  EXPECT_EQ(config.jobs_endpoint, "tcp://127.0.0.1:7001");
  EXPECT_EQ(config.outcomes_endpoint, "tcp://127.0.0.1:7002");
  EXPECT_EQ(config.events_endpoint, "tcp://127.0.0.1:7004");
}

TEST(WorkerOptions, EndpointsComeFromTheEnvironmentWhenNoFlagSaysThem) {
  ::setenv(EndpointVariables::kJobs, "tcp://10.0.0.1:6001", 1);
  test::Argv from_env{"zpipe-worker"};
  auto parsed = parse_worker_options(from_env.argc(), from_env.argv());
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  EXPECT_EQ(std::get<WorkerOptions>(parsed).config.jobs_endpoint, "tcp://10.0.0.1:6001");
  test::Argv flag_wins{"zpipe-worker", "--jobs-from", "tcp://10.0.0.2:6001"};
  parsed = parse_worker_options(flag_wins.argc(), flag_wins.argv());
  ::unsetenv(EndpointVariables::kJobs);
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  EXPECT_EQ(std::get<WorkerOptions>(parsed).config.jobs_endpoint, "tcp://10.0.0.2:6001");
}

TEST(WorkerOptions, AConfigFileSetsFlagsListsAndSwitchesAndFlagsOverrideIt) {
  test::TempDir dir;
  const auto file = (dir.path() / "worker.conf").string();
  std::ofstream(file) << "concurrency = 6\n"
                         "isolate = true\n"
                         "memory-limit = 64\n"
                         "types = [\"sleep\", \"echo\"]\n"
                         "queues = \"critical:6,default:3\"\n"
                         "grace = 2.5\n"
                         "jobs-from = \"tcp://127.0.0.1:7001\"\n";
  ::setenv(EndpointVariables::kJobs, "tcp://10.0.0.1:6001", 1);
  test::Argv args{"zpipe-worker", "--config", file.c_str(), "-c", "2"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ::unsetenv(EndpointVariables::kJobs);
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  const auto& config = std::get<WorkerOptions>(parsed).config;
  EXPECT_EQ(config.concurrency, 2u) << "the flag overrides the file";
  EXPECT_TRUE(config.isolate);
  EXPECT_EQ(config.isolation.memory_limit_bytes, 64u << 20);
  EXPECT_EQ(config.types, (std::vector<std::string>{"echo", "sleep"}));
  EXPECT_EQ(config.queues.weights, (std::vector<std::uint32_t>{6, 3}));
  EXPECT_EQ(config.grace, 2500ms);
  EXPECT_EQ(config.jobs_endpoint, "tcp://127.0.0.1:7001") << "the file overrides ZPIPE_JOBS";
}

TEST(WorkerOptions, AMemoryLimitWithoutIsolationIsAUsageError) {
  test::Argv args{"zpipe-worker", "--memory-limit", "64"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
}

TEST(WorkerOptions, AHeartbeatOutOfRangeIsAUsageError) {
  test::Argv args{"zpipe-worker", "--heartbeat", "0"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
}

TEST(WorkerOptions, TypesNarrowTheBuiltInsAndQueuesSayTheOrder) {
  test::Argv args{"zpipe-worker", "--types",  "sleep,echo",          "--types",
                  "echo",         "--queues", "critical,default,low"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  const auto& config = std::get<WorkerOptions>(parsed).config;
  EXPECT_EQ(config.types, (std::vector<std::string>{"echo", "sleep"})) << "once each";
  EXPECT_EQ(config.queues.queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_TRUE(config.queues.weights.empty());
}

TEST(WorkerOptions, WeightedQueuesReachTheConfig) {
  test::Argv args{"zpipe-worker", "--queues", "critical:6,default:3,low:1"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  const auto& queues = std::get<WorkerOptions>(parsed).config.queues;
  EXPECT_EQ(queues.queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_EQ(queues.weights, (std::vector<std::uint32_t>{6, 3, 1}));
}

TEST(WorkerOptions, WithoutTypesOrQueuesItTakesEverything) {
  test::Argv args{"zpipe-worker"};
  auto parsed = parse_worker_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<WorkerOptions>(parsed));
  const auto& config = std::get<WorkerOptions>(parsed).config;
  EXPECT_TRUE(config.types.empty());
  EXPECT_TRUE(config.queues.queues.empty());
}

TEST(WorkerOptions, AnUnknownTypeIsAUsageErrorListingTheTypes) {
  test::Argv args{"zpipe-worker", "--types", "echo,word_count"};
  testing::internal::CaptureStderr();
  auto parsed = parse_worker_options(args.argc(), args.argv());
  const auto err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
  EXPECT_NE(err.find("no handler for type 'word_count' here; the types it has are echo, exec, "
                     "fail, sleep, thumbnail"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("--help"), std::string::npos) << err;
}

TEST(WorkerOptions, BadQueuesAreAUsageError) {
  for (const auto* queues : {"critical:6,default", "a b", "low:0", "low,low"}) {
    test::Argv args{"zpipe-worker", "--queues", queues};
    testing::internal::CaptureStderr();
    auto parsed = parse_worker_options(args.argc(), args.argv());
    const auto err = testing::internal::GetCapturedStderr();
    ASSERT_TRUE(std::holds_alternative<int>(parsed)) << queues;
    EXPECT_EQ(std::get<int>(parsed), kExitUsage) << queues;
    EXPECT_NE(err.find("zpipe-worker: --queues: "), std::string::npos) << err;
  }
}

}  // namespace
}  // namespace zpipe
