#include "front/schedules_json.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

constexpr std::uint64_t kChristmasEve = 1'798'135'200'000;  // 2026-12-24T18:00:00Z

TEST(SchedulesJson, ListsEachWaitingJobWithWhenItIsDueAndItsAttempt) {
  ScheduledReply reply;
  reply.pipeline = "fe2a7af9bb91d88e";
  reply.total = 5'230;
  reply.jobs = {{"mx-1", "echo", "low", kChristmasEve, 1},
                {"mx-2", "thumbnail", "default", kChristmasEve + 250, 3}};
  const auto json = scheduled_jobs_json(reply);
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  EXPECT_EQ(json["total"], 5'230) << "all that wait, not only those listed";
  ASSERT_EQ(json["jobs"].size(), 2u);
  const auto& delayed = json["jobs"][0];
  EXPECT_EQ(delayed["id"], "mx-1");
  EXPECT_EQ(delayed["type"], "echo");
  EXPECT_EQ(delayed["queue"], "low");
  EXPECT_EQ(delayed["due_ms"], kChristmasEve);
  EXPECT_EQ(delayed["due"], "2026-12-24T18:00:00Z");
  EXPECT_EQ(delayed["attempt"], 1);
  EXPECT_EQ(json["jobs"][1]["due"], "2026-12-24T18:00:00.250Z");
  EXPECT_EQ(json["jobs"][1]["attempt"], 3) << "a retry";
}

TEST(SchedulesJson, NothingWaitingIsAnEmptyList) {
  const auto json = scheduled_jobs_json(ScheduledReply{});
  EXPECT_EQ(json["jobs"], nlohmann::json::array());
  EXPECT_EQ(json["total"], 0);
}

RecurringJob nightly_report() {
  RecurringJob s;
  s.name = "nightly-report";
  s.cron = "0 3 * * *";
  s.job.type = "exec";
  s.job.payload = Payload::from_json({{"cmd", "report.sh"}});
  s.job.queue = "low";
  s.job.priority = -2;
  s.job.timeout_ms = 60'000;
  s.job.max_attempts = 5;
  s.next_run_ms = kChristmasEve;
  s.last_run_ms = kChristmasEve - 86'400'000;
  s.last_job_id = "mx-41";
  return s;
}

TEST(SchedulesJson, GivesARecurringJobsTimesLastRunAndTheJobItSubmits) {
  const auto json = schedule_json(nightly_report());
  EXPECT_EQ(json["name"], "nightly-report");
  EXPECT_EQ(json["cron"], "0 3 * * *");
  EXPECT_FALSE(json.contains("every_ms")) << "one of cron and every_ms";
  EXPECT_EQ(json["next_run_ms"], kChristmasEve);
  EXPECT_EQ(json["last_run_ms"], kChristmasEve - 86'400'000);
  EXPECT_EQ(json["last_job_id"], "mx-41");
  const auto& job = json["job"];
  EXPECT_EQ(job["type"], "exec");
  EXPECT_EQ(job["payload"], nlohmann::json({{"cmd", "report.sh"}}));
  EXPECT_EQ(job["queue"], "low");
  EXPECT_EQ(job["priority"], -2);
  EXPECT_EQ(job["timeout_ms"], 60'000);
  EXPECT_EQ(job["max_attempts"], 5);
}

TEST(SchedulesJson, AnIntervalScheduleNeverRunHasDefaultsLeftOut) {
  RecurringJob s;
  s.name = "tick";
  s.every_ms = 30'000;
  s.job.type = "echo";
  s.next_run_ms = kChristmasEve;
  const auto json = schedule_json(s);
  EXPECT_EQ(json["every_ms"], 30'000);
  EXPECT_FALSE(json.contains("cron"));
  EXPECT_EQ(json["last_run_ms"], 0) << "never run";
  EXPECT_EQ(json["last_job_id"], "");
  EXPECT_EQ(json["job"]["queue"], "default") << "a job that names no queue";
  EXPECT_EQ(json["job"]["priority"], 0);
  EXPECT_FALSE(json["job"].contains("timeout_ms")) << "the ventilator's default";
  EXPECT_FALSE(json["job"].contains("max_attempts")) << "the ventilator's default";
}

TEST(SchedulesJson, ListsTheSchedulesWithThePipeline) {
  SchedulesReply reply;
  reply.pipeline = "fe2a7af9bb91d88e";
  reply.schedules = {nightly_report()};
  const auto json = schedules_json(reply);
  EXPECT_EQ(json["pipeline"], "fe2a7af9bb91d88e");
  ASSERT_EQ(json["schedules"].size(), 1u);
  EXPECT_EQ(json["schedules"][0]["name"], "nightly-report");
  EXPECT_EQ(schedules_json(SchedulesReply{})["schedules"], nlohmann::json::array());
}

}  // namespace
}  // namespace zpipe
