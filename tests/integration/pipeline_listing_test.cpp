// What a running pipeline is made of, as a user asks for it: `zpipe workers` lists the workers
// the ventilator knows, `zpipe status` counts the jobs per type.
#include <signal.h>

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec job(const std::string& type, nlohmann::json payload, std::uint32_t max_attempts = 0) {
  return JobSpec{type, Payload::from_json(payload), 0, max_attempts};
}

TEST(PipelineListing, WorkersShowsEachWorkerWithItsSlotsAndTheJobsItHolds) {
  TestPipeline pipeline(TestPipelineOptions(2, 2));
  auto client = pipeline.client();
  // Both have said their room: jobs submitted one at a time then go to each in turn.
  ASSERT_TRUE(wait_until(
      [&client] {
        auto workers = client.workers();
        return workers.ok() && workers.value().size() == 2 && workers.value()[0].credit > 0 &&
               workers.value()[1].credit > 0;
      },
      10s));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(client.submit(job("sleep", {{"ms", 20'000}})).ok());

  const auto listed = run_program(
      {program("zpipe"), "workers", "--json", "--ventilator", pipeline.endpoints().submit}, 10s);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto json = nlohmann::json::parse(listed.out);
  EXPECT_EQ(json["pipeline"], client.pipeline());
  ASSERT_EQ(json["workers"].size(), 2u) << listed.out;
  for (const auto& worker : json["workers"]) {
    EXPECT_EQ(worker["state"], "busy") << worker;
    EXPECT_EQ(worker["slots"], 2) << worker;
    EXPECT_EQ(worker["held"], 2) << worker;
    EXPECT_EQ(worker["sent"], 2) << worker;
    EXPECT_EQ(worker["heartbeat_ms"], 1000) << worker;
    EXPECT_LT(worker["heard_ms_ago"].get<std::uint64_t>(), 3000u) << worker;
    EXPECT_FALSE(worker["name"].get<std::string>().empty());
  }

  const auto table =
      run_program({program("zpipe"), "workers", "--ventilator", pipeline.endpoints().submit}, 10s);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("WORKER"), std::string::npos) << table.out;
  const std::regex busy_row(R"(\n\S+ +busy +2 +2 +2 +\d+ +\d+\.\ds ago +\S+ ago)");
  EXPECT_EQ(std::distance(std::sregex_iterator(table.out.begin(), table.out.end(), busy_row),
                          std::sregex_iterator()),
            2)
      << table.out;
  EXPECT_NE(table.out.find("2 workers, 4 slots, 4 jobs held\n"), std::string::npos) << table.out;
}

TEST(PipelineListing, WorkersShowsAPausedWorkerAsPaused) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  auto client = pipeline.client();
  ASSERT_EQ(::kill(pipeline.worker(0).pid(), SIGUSR2), 0);
  ASSERT_TRUE(wait_until(
      [&client] {
        auto workers = client.workers();
        return workers.ok() && workers.value().size() == 1 && workers.value()[0].state == "paused";
      },
      10s));
  const auto table =
      run_program({program("zpipe"), "workers", "--ventilator", pipeline.endpoints().submit}, 10s);
  EXPECT_NE(table.out.find(" paused "), std::string::npos) << table.out;
  ASSERT_EQ(::kill(pipeline.worker(0).pid(), SIGCONT), 0);
  EXPECT_TRUE(wait_until(
      [&client] {
        auto workers = client.workers();
        return workers.ok() && workers.value().size() == 1 && workers.value()[0].state == "idle";
      },
      10s));
}

TEST(PipelineListing, StatusCountsTheJobsOfEachType) {
  TestPipeline pipeline(TestPipelineOptions(2, 2));
  auto client = pipeline.client();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.submit(job("echo", {{"msg", i}})).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(client.submit(job("sleep", {{"ms", 20'000}})).ok());
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(client.submit(job("fail", nlohmann::json::object(), 1)).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(5, 20s));

  const auto json_run = run_program(
      {program("zpipe"), "status", "--json", "--ventilator", pipeline.endpoints().submit}, 10s);
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const auto json = nlohmann::json::parse(json_run.out);
  const auto counts = [](int pending, int in_flight, int retrying, int succeeded, int dead) {
    return nlohmann::json{{"pending", pending},
                          {"in_flight", in_flight},
                          {"retrying", retrying},
                          {"succeeded", succeeded},
                          {"dead", dead}};
  };
  EXPECT_EQ(json["by_type"], (nlohmann::json{{"echo", counts(0, 0, 0, 3, 0)},
                                             {"fail", counts(0, 0, 0, 0, 2)},
                                             {"sleep", counts(0, 2, 0, 0, 0)}}))
      << json_run.out;
  EXPECT_FALSE(json.contains("other_types"));

  const auto table =
      run_program({program("zpipe"), "status", "--ventilator", pipeline.endpoints().submit}, 10s);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("\nTYPE    PENDING IN FLIGHT  RETRYING SUCCEEDED      DEAD\n"
                           "echo          0         0         0         3         0\n"
                           "fail          0         0         0         0         2\n"
                           "sleep         0         2         0         0         0\n"),
            std::string::npos)
      << table.out;
}

}  // namespace
}  // namespace zpipe::test
