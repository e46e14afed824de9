#include "front/schedule_arguments.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

ScheduleArguments every_30s() {
  ScheduleArguments a;
  a.name = "heartbeat";
  a.every = "30s";
  a.job.type = "echo";
  return a;
}

TEST(ScheduleArguments, EveryWithAJobOfArgsQueueAndPriority) {
  auto a = every_30s();
  a.job.args = {"msg=tick", "n=2"};
  a.job.queue = "low";
  a.job.priority = 7;
  auto schedule = recurring_job_from_arguments(a);
  ASSERT_TRUE(schedule.ok()) << schedule.error().message;
  EXPECT_EQ(schedule.value().name, "heartbeat");
  EXPECT_EQ(schedule.value().every_ms, 30'000u);
  EXPECT_EQ(schedule.value().cron, "");
  EXPECT_EQ(schedule.value().job.type, "echo");
  EXPECT_EQ(schedule.value().job.payload.to_json(), (nlohmann::json{{"msg", "tick"}, {"n", 2}}));
  EXPECT_EQ(schedule.value().job.queue, "low");
  EXPECT_EQ(schedule.value().job.priority, 7);
  EXPECT_EQ(schedule.value().job.run_at_ms, 0u);
}

TEST(ScheduleArguments, CronIsCheckedAndKeptAsTyped) {
  auto a = every_30s();
  a.every.clear();
  a.cron = " */5 * * * * ";
  auto schedule = recurring_job_from_arguments(a);
  ASSERT_TRUE(schedule.ok()) << schedule.error().message;
  EXPECT_EQ(schedule.value().cron, "*/5 * * * *");
  EXPECT_EQ(schedule.value().every_ms, 0u);
}

TEST(ScheduleArguments, RefusesWhatCannotBeScheduledNamingTheArgument) {
  const auto refusal = [](const ScheduleArguments& a) {
    auto schedule = recurring_job_from_arguments(a);
    EXPECT_FALSE(schedule.ok());
    if (schedule.ok()) return std::string();
    EXPECT_EQ(schedule.error().code, ErrorCode::kInvalid);
    return schedule.error().message;
  };
  auto neither = every_30s();
  neither.every.clear();
  EXPECT_EQ(refusal(neither).rfind("give --every DURATION", 0), 0u);
  auto both = every_30s();
  both.cron = "* * * * *";
  EXPECT_EQ(refusal(both).rfind("give --every DURATION", 0), 0u);
  auto bad_every = every_30s();
  bad_every.every = "30";
  EXPECT_EQ(refusal(bad_every).rfind("--every: '30' is not a duration", 0), 0u);
  auto bad_cron = every_30s();
  bad_cron.every.clear();
  bad_cron.cron = "*/0 * * * *";
  const auto cron_message = refusal(bad_cron);
  EXPECT_EQ(cron_message.rfind("--cron: ", 0), 0u) << cron_message;
  EXPECT_NE(cron_message.find("*/0 * * * *"), std::string::npos) << cron_message;
  auto no_type = every_30s();
  no_type.job.type.clear();
  EXPECT_EQ(refusal(no_type).rfind("give the job TYPE", 0), 0u);
  auto no_name = every_30s();
  no_name.name.clear();
  EXPECT_EQ(refusal(no_name), "the schedule's NAME must be 1 to 200 bytes");
  auto bad_sleep = every_30s();
  bad_sleep.job.type = "sleep";
  bad_sleep.job.args = {"ms=abc"};
  EXPECT_NE(refusal(bad_sleep).find("sleep needs a payload"), std::string::npos);
  auto bad_queue = every_30s();
  bad_queue.job.queue = "a b";
  EXPECT_EQ(refusal(bad_queue).rfind("--queue: ", 0), 0u);
}

}  // namespace
}  // namespace zpipe
