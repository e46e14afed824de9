// Workflows with the real programs: a chain passes each result along, a batch's callback runs
// once under a storm of kills, a handler run twice makes its follow-ups once, and a batch job
// adds to its own batch.
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/protocol.hpp"
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

// Waits for an event through the pipeline's hub: `name` about job `id`.
class EventWatch {
 public:
  EventWatch(zmq::context_t& context, const std::string& events_out)
      : events_(context, zmq::socket_type::sub) {
    events_.set(zmq::sockopt::linger, 0);
    events_.set(zmq::sockopt::subscribe, "");
    events_.connect(events_out);
  }
  // True once any event came (the hub sends state snapshots every second): joined.
  bool joined(std::chrono::milliseconds timeout) {
    return wait_until([&] { return read(), seen_any_; }, timeout);
  }
  bool saw(const std::string& name, const std::string& id, std::chrono::milliseconds timeout) {
    return wait_until([&] { return read(), seen_.contains(name + " " + id); }, timeout);
  }

 private:
  void read() {
    zmq::message_t topic, body;
    while (events_.recv(topic, zmq::recv_flags::dontwait)) {
      if (!topic.more() || !events_.recv(body)) continue;
      auto decoded = decode(body.to_string_view());
      if (!decoded.ok() || !std::holds_alternative<Event>(decoded.value())) continue;
      seen_any_ = true;
      const auto& event = std::get<Event>(decoded.value());
      if (const auto job = event.fields.find("job"); job != event.fields.end()) {
        seen_.insert(event.name + " " + job->second);
      }
    }
  }
  zmq::socket_t events_;
  bool seen_any_ = false;
  std::set<std::string> seen_;
};

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
  zmq::context_t context;
  EventWatch events(context, pipeline.endpoints().events_out);
  ASSERT_TRUE(events.joined(10s)) << "no events from the hub";
  const auto id = client.submit(job("fan_out", {{"n", 3}}));
  ASSERT_TRUE(id.ok()) << id.error().message;
  // The worker publishes job.succeeded as it hands the outcome to its socket toward the sink,
  // which takes it into its queue even while stopped.
  ASSERT_TRUE(events.saw("job.succeeded", id.value(), 10s));
  std::this_thread::sleep_for(200ms);
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

// A batch job adds pages to its own batch: the batch ends when they have, with them counted.
TEST(Workflows, ABatchJobAddsToItsOwnBatchAndTheBatchWaitsForThem) {
  TestPipelineOptions options(1, 2);
  options.worker_program = "zpipe-fan-out-worker";
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  const auto batch = client.submit_batch(
      BatchOptions{"scan and pages", job("echo", {{"report", "pages"}}), job("echo")},
      {job("fan_out", {{"n", 3}, {"in_batch", true}}), job("echo", {{"page", 0}})});
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  const auto& id = batch.value().id;
  ASSERT_TRUE(recorded(pipeline, id + ".success", 20s));
  const auto outcomes = finals_by_id(pipeline);
  const auto facts = outcomes.at(id + ".complete").result.to_json()["batch"];
  EXPECT_EQ(facts["total"], 5) << "the two submitted and the three pages";
  EXPECT_EQ(facts["succeeded"], 5);
  for (int n = 1; n <= 3; ++n) {
    const auto page = batch.value().job_ids[0] + "." + std::to_string(n);
    ASSERT_TRUE(outcomes.contains(page)) << page;
    EXPECT_EQ(outcomes.at(page).batch, id);
    EXPECT_LT(outcomes.at(page).finished_ms, outcomes.at(id + ".complete").started_ms + 1)
        << "the callback starts after the last page ends";
  }
  const auto summary = client.batches(std::vector<std::string>{id});
  ASSERT_TRUE(summary.ok());
  EXPECT_NE(summary.value()[0].finished_ms, 0u);
  EXPECT_EQ(summary.value()[0].total, 5u);
  EXPECT_EQ(summary.value()[0].on_success_id, id + ".success");
  EXPECT_TRUE(pipeline.stop());
}

// 1,000 jobs in a batch, 20 of them failing for good, while a worker is killed every second and
// the sink and then the ventilator are killed and restarted: on_complete is made once, and says
// 980 succeeded and which 20 are dead.
TEST(WorkflowStorm, ABatchsCallbackIsMadeOnceThroughKilledWorkersSinkAndVentilator) {
  constexpr int kJobs = 1000;
  TestPipelineOptions options(0, 4);
  options.ventilator_args = {"--default-timeout-ms", "10000", "--redispatch-grace", "1"};
  TestPipeline pipeline(options);
  for (int i = 0; i < 3; ++i) pipeline.add_worker();
  std::vector<JobSpec> specs;
  std::vector<std::size_t> failing;
  for (int i = 0; i < kJobs; ++i) {
    if (i % 50 == 7) {
      failing.push_back(specs.size());
      specs.push_back(job("fail", {{"message", "no such page"}}, 1));
    } else {
      specs.push_back(job("sleep", {{"ms", 80}}));
    }
  }
  const auto batch = pipeline.client().submit_batch(
      BatchOptions{"storm", job("echo", {{"report", "storm"}}), std::nullopt}, specs);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  const auto callback = batch.value().id + ".complete";
  const auto ended = [&] {
    const auto totals = pipeline.store()->totals();
    return totals.ok() ? totals.value().succeeded + totals.value().failed : 0;
  };
  std::mt19937 random(20261204);
  bool sink_killed = false;
  bool ventilator_killed = false;
  int kills = 0;
  const auto give_up = std::chrono::steady_clock::now() + 180s;
  while (!recorded(pipeline, callback, 1s)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the callback never came";
    const auto pick = std::uniform_int_distribution<std::size_t>(0, 2)(random);
    pipeline.kill_worker(pipeline.worker_count() - 1 - pick);
    pipeline.add_worker();
    ++kills;
    if (!sink_killed && ended() >= kJobs / 4) {
      pipeline.crash_and_restart_sink();
      sink_killed = true;
    } else if (sink_killed && !ventilator_killed && ended() >= kJobs / 2) {
      pipeline.crash_and_restart_ventilator();
      ventilator_killed = true;
    }
  }
  EXPECT_TRUE(sink_killed && ventilator_killed) << "the batch ended before the crashes";
  const auto facts = finals_by_id(pipeline).at(callback).result.to_json()["batch"];
  EXPECT_EQ(facts["total"], kJobs);
  EXPECT_EQ(facts["succeeded"], kJobs - static_cast<int>(failing.size()));
  EXPECT_EQ(facts["dead"], failing.size());
  std::set<std::string> dead_ids;
  for (const auto& id : facts["dead_ids"]) dead_ids.insert(id.get<std::string>());
  std::set<std::string> expected_dead;
  for (const auto i : failing) expected_dead.insert(batch.value().job_ids[i]);
  EXPECT_EQ(dead_ids, expected_dead);
  const auto status = pipeline.client().status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().accepted, static_cast<std::uint64_t>(kJobs) + 1)
      << "the batch's jobs and its callback, once";
  std::cout << "workers killed: " << kills << "\n";
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
