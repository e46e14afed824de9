#include "ventilator/options.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "common/command_line.hpp"
#include "tests/support/argv.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

TEST(VentilatorOptions, EveryFlagReachesTheConfig) {
  test::Argv args{"zpipe-ventilator",
                  "--durability",
                  "sync",
                  "--retry-delay",
                  "2.5",
                  "--redispatch-grace",
                  "1",
                  "--max-attempts",
                  "5",
                  "--max-attempts",
                  "fail=1",
                  "--max-backlog",
                  "10",
                  "--max-message-bytes",
                  "4096",
                  "--jobs",
                  "tcp://127.0.0.1:7001",
                  "--submit",
                  "tcp://127.0.0.1:7000",
                  "--acks",
                  "tcp://127.0.0.1:7003",
                  "--events-in",
                  "tcp://127.0.0.1:7004",
                  "--events-out",
                  "tcp://127.0.0.1:7005",
                  "--data-dir",
                  "/tmp/zpipe-elsewhere",
                  "--default-timeout-ms",
                  "1234",
                  "--retry-delay-max",
                  "60"};
  auto parsed = parse_ventilator_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<VentilatorOptions>(parsed));
  const auto& config = std::get<VentilatorOptions>(parsed).config;
  EXPECT_EQ(config.durability, Durability::kSync);
  EXPECT_EQ(config.policy.retry_base_ms, 2500u);
  EXPECT_EQ(config.policy.redispatch_grace_ms, 1000u);
  EXPECT_EQ(config.policy.max_attempts_for("echo"), 5u);
  EXPECT_EQ(config.policy.max_attempts_for("fail"), 1u);
  EXPECT_EQ(config.max_backlog, 10u);
  EXPECT_EQ(config.limits.max_message_bytes, 4096u);
  EXPECT_EQ(config.sockets.max_message_bytes, 4096) << "the socket refuses what decode would";
  EXPECT_EQ(config.jobs_endpoint, "tcp://127.0.0.1:7001");
  EXPECT_EQ(config.submit_endpoint, "tcp://127.0.0.1:7000");
  EXPECT_EQ(config.acks_endpoint, "tcp://127.0.0.1:7003");
  EXPECT_EQ(config.events_in_endpoint, "tcp://127.0.0.1:7004");
  EXPECT_EQ(config.events_out_endpoint, "tcp://127.0.0.1:7005");
  EXPECT_EQ(config.data_dir, "/tmp/zpipe-elsewhere");
  EXPECT_EQ(config.policy.timeout_ms, 1234u);
  EXPECT_EQ(config.policy.retry_max_ms, 60'000u);
}

TEST(VentilatorOptions, NoFlagsGiveTheDefaults) {
  test::Argv args{"zpipe-ventilator"};
  auto parsed = parse_ventilator_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<VentilatorOptions>(parsed));
  const auto& config = std::get<VentilatorOptions>(parsed).config;
  const VentilatorConfig defaults;
  EXPECT_EQ(config.durability, Durability::kBatched);
  EXPECT_EQ(config.submit_endpoint, defaults.submit_endpoint);
  EXPECT_EQ(config.policy.max_attempts_for("echo"), 3u);
  EXPECT_EQ(config.policy.retry_base_ms, defaults.policy.retry_base_ms);
}

TEST(VentilatorOptions, AMistakeIsAUsageError) {
  for (const auto& bad : {std::vector<std::string>{"--durability", "sometimes"},
                          {"--max-attempts", "fail=x"},
                          {"--retry-delay", "0"},
                          {"--no-such-flag"}}) {
    test::Argv args{"zpipe-ventilator", bad[0], bad.size() > 1 ? bad[1] : "--log-level=info"};
    auto parsed = parse_ventilator_options(args.argc(), args.argv());
    ASSERT_TRUE(std::holds_alternative<int>(parsed)) << bad[0];
    EXPECT_EQ(std::get<int>(parsed), kExitUsage) << bad[0];
  }
}

TEST(VentilatorOptions, AConfigFileGivesLimitsAndAttemptsAndSaysWhereABadOneIs) {
  test::TempDir dir;
  const auto file = (dir.path() / "ventilator.conf").string();
  std::ofstream(file) << "durability = \"sync\"\n"
                         "max-attempts = [\"5\", \"fail=1\"]\n"
                         "limit = [\"echo=10/s\", \"sleep=concurrency:2\"]\n";
  test::Argv args{"zpipe-ventilator", "--config", file.c_str(), "--durability", "none"};
  auto parsed = parse_ventilator_options(args.argc(), args.argv());
  ASSERT_TRUE(std::holds_alternative<VentilatorOptions>(parsed));
  const auto& config = std::get<VentilatorOptions>(parsed).config;
  EXPECT_EQ(config.durability, Durability::kNone) << "the flag overrides the file";
  EXPECT_EQ(config.policy.max_attempts_for("echo"), 5u);
  EXPECT_EQ(config.policy.max_attempts_for("fail"), 1u);
  EXPECT_EQ(config.limits_at_start.size(), 2u);

  const auto bad = (dir.path() / "bad.conf").string();
  std::ofstream(bad) << "# limits\nlimit = [\"echo=10/fortnight\"]\n";
  test::Argv bad_args{"zpipe-ventilator", "--config", bad.c_str()};
  testing::internal::CaptureStderr();
  parsed = parse_ventilator_options(bad_args.argc(), bad_args.argv());
  const auto err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
  EXPECT_NE(err.find("zpipe-ventilator: --limit: "), std::string::npos) << err;
  EXPECT_NE(err.find("(set in " + bad + " line 2)"), std::string::npos) << err;
}

}  // namespace
}  // namespace zpipe
