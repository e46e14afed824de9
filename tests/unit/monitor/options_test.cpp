#include "monitor/options.hpp"

#include <gtest/gtest.h>

#include "common/command_line.hpp"
#include "tests/support/argv.hpp"

namespace zpipe {
namespace {

TEST(MonitorOptions, TailFlagsReachItsFilterAndTheDashboardLogsNowhere) {
  test::Argv tail_args{"zpipe-monitor", "tail",     "--events-from", "tcp://127.0.0.1:7005",
                       "--json",        "--topic",  "job.",          "--topic",
                       "worker.",       "--status", "failed",        "--color",
                       "never",         "--queue",  "mail",          "--batch",
                       "mx0qmj60-b1"};
  auto parsed = parse_monitor_options(tail_args.argc(), tail_args.argv());
  ASSERT_TRUE(std::holds_alternative<MonitorOptions>(parsed));
  const auto& tail = std::get<MonitorOptions>(parsed);
  EXPECT_EQ(tail.mode, MonitorOptions::Mode::kTail);
  EXPECT_EQ(tail.tail.events_endpoint, "tcp://127.0.0.1:7005");
  EXPECT_TRUE(tail.tail.json);
  EXPECT_EQ(tail.tail.filter.topics, (std::vector<std::string>{"job.", "worker."}));
  EXPECT_EQ(tail.tail.filter.status, "failed");
  EXPECT_EQ(tail.tail.filter.queue, "mail");
  EXPECT_EQ(tail.tail.filter.batch, "mx0qmj60-b1");
  EXPECT_FALSE(tail.tail.color);
  EXPECT_FALSE(tail.tail.filter.verbose) << "heartbeats and snapshots are hidden by default";

  test::Argv always_args{"zpipe-monitor", "tail", "--color", "always", "-v"};
  parsed = parse_monitor_options(always_args.argc(), always_args.argv());
  ASSERT_TRUE(std::holds_alternative<MonitorOptions>(parsed));
  EXPECT_TRUE(std::get<MonitorOptions>(parsed).tail.color);
  EXPECT_TRUE(std::get<MonitorOptions>(parsed).tail.filter.verbose);

  test::Argv top_args{"zpipe-monitor",      "top", "--target-minutes", "5", "--ventilator",
                      "tcp://10.0.0.1:5570"};
  parsed = parse_monitor_options(top_args.argc(), top_args.argv());
  ASSERT_TRUE(std::holds_alternative<MonitorOptions>(parsed));
  const auto& top = std::get<MonitorOptions>(parsed);
  EXPECT_EQ(top.mode, MonitorOptions::Mode::kTop);
  EXPECT_DOUBLE_EQ(top.top.target_minutes, 5.0);
  EXPECT_EQ(top.top.ventilator_endpoint, "tcp://10.0.0.1:5570") << "asked for its queues";
  EXPECT_EQ(top.log.level, "off") << "the dashboard owns the screen";
}

TEST(MonitorOptions, NoSubcommandOrABadColourIsAUsageError) {
  test::Argv none{"zpipe-monitor"};
  auto parsed = parse_monitor_options(none.argc(), none.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
  test::Argv colour{"zpipe-monitor", "tail", "--color", "sometimes"};
  parsed = parse_monitor_options(colour.argc(), colour.argv());
  ASSERT_TRUE(std::holds_alternative<int>(parsed));
  EXPECT_EQ(std::get<int>(parsed), kExitUsage);
}

}  // namespace
}  // namespace zpipe
