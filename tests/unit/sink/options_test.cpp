#include "sink/options.hpp"

#include <gtest/gtest.h>

#include "common/command_line.hpp"
#include "sink/retention.hpp"
#include "tests/support/argv.hpp"

namespace zpipe {
namespace {

TEST(SinkOptions, EveryFlagReachesTheConfig) {
  test::Argv args{"zpipe-sink",
                  "--outcomes",
                  "tcp://127.0.0.1:7002",
                  "--acks-to",
                  "tcp://127.0.0.1:7003",
                  "--data-dir",
                  "/tmp/zpipe-elsewhere",
                  "--max-message-bytes",
                  "2048"};
  auto parsed = parse_sink_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<SinkOptions>(parsed));
  const auto& config = std::get<SinkOptions>(parsed).config;
  EXPECT_EQ(config.outcomes_endpoint, "tcp://127.0.0.1:7002");
  EXPECT_EQ(config.acks_endpoint, "tcp://127.0.0.1:7003");
  EXPECT_EQ(config.data_dir, "/tmp/zpipe-elsewhere");
  EXPECT_EQ(config.limits.max_message_bytes, 2048u);
  EXPECT_EQ(config.sockets.max_message_bytes, 2048);
}

TEST(SinkOptions, KeepTakesADurationAndDefaultsToKeepingEverything) {
  test::Argv none{"zpipe-sink"};
  auto parsed = parse_sink_options(none.argc(), none.argv());
  ASSERT_TRUE(std::holds_alternative<SinkOptions>(parsed));
  EXPECT_EQ(std::get<SinkOptions>(parsed).config.keep.count(), 0);

  test::Argv keep{"zpipe-sink", "--keep", "30d"};
  parsed = parse_sink_options(keep.argc(), keep.argv());
  ASSERT_TRUE(std::holds_alternative<SinkOptions>(parsed));
  EXPECT_EQ(std::get<SinkOptions>(parsed).config.keep, std::chrono::hours(30 * 24));

  test::Argv bad{"zpipe-sink", "--keep", "30"};
  parsed = parse_sink_options(bad.argc(), bad.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
}

TEST(SinkOptions, KeepPrunesHourlyOrMoreOftenWhenShort) {
  using namespace std::chrono_literals;
  EXPECT_EQ(prune_interval(30 * 24h), 1h);
  EXPECT_EQ(prune_interval(2h), 12min);
  EXPECT_EQ(prune_interval(2s), 1s);
}

TEST(SinkOptions, AMessageLimitTooSmallForAnyOutcomeIsAUsageError) {
  test::Argv args{"zpipe-sink", "--max-message-bytes", "10"};
  auto parsed = parse_sink_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
}

}  // namespace
}  // namespace zpipe
