// What a real zpipe-worker tells the ventilator it takes (types, queues), with a test standing
// in for the ventilator.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "tests/support/fake_ventilator.hpp"
#include "tests/support/program_run.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// The next credit with reset from the worker, skipping its heartbeats.
std::optional<Credit> next_reset_credit(FakeVentilator& ventilator) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < give_up) {
    auto message = ventilator.next_from_worker(1s);
    if (!message) continue;
    if (auto* credit = std::get_if<Credit>(&*message); credit && credit->reset) return *credit;
  }
  return std::nullopt;
}

TEST(WorkerRouting, TheFirstReadySaysTheTypesAndWeightedQueuesGiven) {
  FakeVentilator ventilator(
      program("zpipe-worker"),
      {"--types", "sleep,echo", "--queues", "critical:6,default:3,low:1", "--heartbeat", "0.1"});
  const auto& credit = ventilator.first_credit();
  EXPECT_TRUE(credit.reset);
  EXPECT_TRUE(credit.says_routing);
  EXPECT_EQ(credit.types, (std::vector<std::string>{"echo", "sleep"}));
  EXPECT_EQ(credit.queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_EQ(credit.queue_weights, (std::vector<std::uint32_t>{6, 3, 1}));
  EXPECT_NE(ventilator.log().find("handles: echo, sleep; queues: critical:6,default:3,low:1 "
                                  "(by weight)"),
            std::string::npos)
      << ventilator.log();

  // A ventilator that restarted asks for the whole credit again: it hears the routing again.
  Heartbeat resync;
  resync.resync = true;
  ventilator.send(encode(resync));
  const auto again = next_reset_credit(ventilator);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->says_routing);
  EXPECT_EQ(again->types, credit.types);
  EXPECT_EQ(again->queues, credit.queues);
  EXPECT_EQ(again->queue_weights, credit.queue_weights);
}

TEST(WorkerRouting, StrictQueuesGoWithoutWeights) {
  FakeVentilator ventilator(program("zpipe-worker"),
                            {"--queues", "critical,default,low", "--heartbeat", "0.1"});
  const auto& credit = ventilator.first_credit();
  EXPECT_TRUE(credit.says_routing);
  EXPECT_EQ(credit.queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_TRUE(credit.queue_weights.empty());
  EXPECT_NE(ventilator.log().find("queues: critical,default,low (in strict order)"),
            std::string::npos)
      << ventilator.log();
}

TEST(WorkerRouting, WithoutFlagsItTakesEveryBuiltInTypeFromEveryQueue) {
  FakeVentilator ventilator(program("zpipe-worker"), {"--heartbeat", "0.1"});
  const auto& credit = ventilator.first_credit();
  EXPECT_TRUE(credit.says_routing);
  EXPECT_EQ(credit.types, (std::vector<std::string>{"echo", "exec", "fail", "sleep", "thumbnail"}));
  EXPECT_TRUE(credit.queues.empty());
  EXPECT_NE(ventilator.log().find("queues: every queue"), std::string::npos) << ventilator.log();
}

TEST(WorkerRouting, ACustomWorkerAnnouncesTheTypesItRegistered) {
  FakeVentilator ventilator(program("zpipe-example-worker"), {});
  const auto& types = ventilator.first_credit().types;
  EXPECT_TRUE(ventilator.first_credit().says_routing);
  EXPECT_NE(std::find(types.begin(), types.end(), "word_count"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "echo"), types.end());
}

// An older ventilator routes by nothing: a job of a type left out by --types fails here as it
// always has, naming what the worker handles.
TEST(WorkerRouting, AJobOfATypeLeftOutFailsAsUnknownType) {
  FakeVentilator ventilator(program("zpipe-worker"), {"--types", "echo", "--heartbeat", "0.1"});
  Job job;
  job.id = "not-for-me";
  job.type = "sleep";
  job.payload = Payload::from_json({{"ms", 1}});
  job.timeout_ms = 5000;
  ventilator.send(encode(JobBatch{{job}}));
  const auto outcome = ventilator.next_outcome(10s);
  ASSERT_TRUE(outcome.has_value()) << ventilator.log();
  EXPECT_EQ(outcome->id, "not-for-me");
  EXPECT_EQ(outcome->status, OutcomeStatus::kFailed);
  EXPECT_EQ(outcome->error_code, "unknown_type");
  EXPECT_NE(outcome->error.find("it handles: echo)"), std::string::npos) << outcome->error;
}

}  // namespace
}  // namespace zpipe::test
