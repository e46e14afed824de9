// Workflows with the real programs: a chain passes each result along, a batch's callback runs
// once under a storm of kills, a handler run twice makes its follow-ups once, and a batch job
// adds to its own batch.
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/log_numbers.hpp"
#include "tests/support/nothing_lost_checks.hpp"
#include "tests/support/submit_all.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec job(std::string type, const nlohmann::json& payload = nullptr, std::uint32_t attempts = 0) {
  return JobSpec{std::move(type), Payload::from_json(payload), 0, attempts};
}

// Every recorded job's final outcome, by id.
std::map<std::string, Outcome> finals_by_id(TestPipeline& pipeline) {
  std::map<std::string, Outcome> outcomes;
  for (auto& row : pipeline.store()->list({std::nullopt, "", 10'000'000}).value()) {
    auto id = row.outcome.id;
    outcomes.emplace(std::move(id), std::move(row.outcome));
  }
  return outcomes;
}

bool recorded(TestPipeline& pipeline, const std::string& id, std::chrono::milliseconds timeout) {
  return wait_until([&] { return finals_by_id(pipeline).contains(id); }, timeout);
}

TEST(Workflows, AThreeStepChainPassesEachResultAlong) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto first = job("echo", {{"msg", "upload 7f3e"}});
  first.then = {job("echo", {{"step", 2}}), job("echo", {{"step", 3}})};
  const auto id = pipeline.client().submit(first);
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(recorded(pipeline, id.value() + ".s2", 20s));
  const auto outcomes = finals_by_id(pipeline);
  ASSERT_EQ(outcomes.size(), 3u);
  // echo returns its payload: each step's result holds the one before it.
  const auto last = outcomes.at(id.value() + ".s2").result.to_json();
  EXPECT_EQ(last["step"], 3);
  EXPECT_EQ(last["previous_job"], id.value() + ".s1");
  EXPECT_EQ(last["previous_result"]["step"], 2);
  EXPECT_EQ(last["previous_result"]["previous_job"], id.value());
  EXPECT_EQ(last["previous_result"]["previous_result"]["msg"], "upload 7f3e");
  EXPECT_EQ(outcomes.at(id.value() + ".s2").parent, id.value() + ".s1");
  EXPECT_TRUE(pipeline.stop());
}

TEST(Workflows, ADeadStepRunsTheChainsOnFailureJobWithWhy) {
  TestPipeline pipeline(TestPipelineOptions(1));
  auto first = job("echo", {{"msg", "go"}});
  first.then = {job("fail", {{"message", "the printer is on fire"}}, 1), job("echo")};
  first.on_failure = {job("echo", {{"alert", "ops"}})};
  const auto id = pipeline.client().submit(first);
  ASSERT_TRUE(id.ok()) << id.error().message;
  const auto alert_id = id.value() + ".s1.f1";
  ASSERT_TRUE(recorded(pipeline, alert_id, 20s));
  const auto outcomes = finals_by_id(pipeline);
  EXPECT_FALSE(outcomes.contains(id.value() + ".s2")) << "the chain stops at the dead step";
  const auto alert = outcomes.at(alert_id).result.to_json();
  EXPECT_EQ(alert["alert"], "ops");
  EXPECT_EQ(alert["failed_job"]["id"], id.value() + ".s1");
  EXPECT_EQ(alert["failed_job"]["type"], "fail");
  EXPECT_EQ(alert["failed_job"]["error"], "the printer is on fire");
  EXPECT_TRUE(pipeline.stop());
}

// The job's outcome reaches the sink (stopped, so that nothing is acknowledged), its worker is
// killed, and the job runs again on another: two outcomes, each with three follow-ups, and the
// three are made once.
TEST(Workflows, AHandlerRunTwiceMakesItsThreeFollowUpsOnce) {
  TestPipelineOptions options(0);
  options.worker_program = "zpipe-fan-out-worker";
  TestPipeline pipeline(options);
  pipeline.add_worker();
  auto client = pipeline.client();
  // One job through first: the worker is then connected to the sink, and an outcome can leave
  // it while the sink is stopped.
  ASSERT_TRUE(client.submit(job("echo")).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(1, 10s));
  pipeline.sink().send_signal(SIGSTOP);
  const auto id = client.submit(job("fan_out", {{"n", 3}}));
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(wait_until(
      [&] {
        auto states = client.job_statuses({id.value()});
        return states.ok() && states.value()[0].state == JobState::kRunning;
      },
      10s));
  // Ran, and its outcome is in the stopped sink's socket (the handler takes no time).
  std::this_thread::sleep_for(500ms);
  pipeline.kill_worker(0);
  pipeline.add_worker();  // takes the job again, once the ventilator sees the first one gone
  std::this_thread::sleep_for(1500ms);
  pipeline.sink().send_signal(SIGCONT);
  ASSERT_TRUE(recorded(pipeline, id.value() + ".3", 20s));
  ASSERT_TRUE(pipeline.wait_for_finished(5, 10s));
  const auto outcomes = finals_by_id(pipeline);
  EXPECT_EQ(outcomes.size(), 5u);
  for (int n = 1; n <= 3; ++n) {
    const auto child = id.value() + "." + std::to_string(n);
    ASSERT_TRUE(outcomes.contains(child)) << child;
    EXPECT_EQ(outcomes.at(child).parent, id.value());
    EXPECT_EQ(outcomes.at(child).result.to_json()["i"], n);
  }
  const auto status = client.status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().accepted, 5u)
      << "the first echo, the parent and its three follow-ups, once each";
  EXPECT_TRUE(pipeline.stop());
  EXPECT_EQ(number_before(pipeline.log_of("sink"), "duplicates dropped"), 1u)
      << "the job ran twice: " << pipeline.log_of("sink");
}

}  // namespace
}  // namespace zpipe::test
