#include "common/follow_ups.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

TEST(FollowUpIds, FollowFromTheirMakersId) {
  EXPECT_EQ(follow_up_id("mx-1", 3), "mx-1.3");
  EXPECT_EQ(on_failure_id("mx-1", 1, 1), "mx-1.f1");
  EXPECT_EQ(on_failure_id("mx-1", 2, 3), "mx-1.f2r3");
  EXPECT_EQ(batch_callback_id("mx-b4", false), "mx-b4.complete");
  EXPECT_EQ(batch_callback_id("mx-b4", true), "mx-b4.success");
}

TEST(FollowUpIds, AChainCountsItsStepsInsteadOfGrowingItsIds) {
  EXPECT_EQ(chain_step_id("mx-1"), "mx-1.s1");
  EXPECT_EQ(chain_step_id("mx-1.s1"), "mx-1.s2");
  EXPECT_EQ(chain_step_id("mx-1.s9"), "mx-1.s10");
  // A follow-up of a step starts its own chain; ".s" followed by no number is no step.
  EXPECT_EQ(chain_step_id("mx-1.s2.1"), "mx-1.s2.1.s1");
  EXPECT_EQ(chain_step_id("mx-1.sx"), "mx-1.sx.s1");
  EXPECT_EQ(chain_step_id("mx-1.s"), "mx-1.s.s1");
}

TEST(WithKey, AddsToAMapReplacingTheSameKey) {
  const auto payload = Payload::from_json({{"size", 256}, {"previous_result", "old"}});
  auto added = with_key(payload, "previous_result", Payload::from_json({{"w", 1}}));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added.value().to_json(),
            (nlohmann::json{{"size", 256}, {"previous_result", {{"w", 1}}}}));
}

TEST(WithKey, MakesAMapOfNothingAndRefusesOtherPayloads) {
  auto from_nil = with_key(Payload(), "failed_job", Payload::from_json("x"));
  ASSERT_TRUE(from_nil.ok());
  EXPECT_EQ(from_nil.value().to_json(), (nlohmann::json{{"failed_job", "x"}}));
  auto refused = with_key(Payload::from_json({1, 2}), "failed_job", Payload());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("must be a map"), std::string::npos);
}

TEST(ChainNext, GivesTheFirstStepTheResultAndTheRestOfTheChain) {
  const std::vector<JobSpec> then{
      JobSpec{"resize", Payload::from_json({{"size", 128}}), 0, 0},
      JobSpec{"notify", Payload(), 0, 0},
  };
  auto next = chain_next(then, "mx-1", Payload::from_json({{"out", "/a.webp"}}));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->type, "resize");
  EXPECT_EQ(next->payload.to_json(), (nlohmann::json{{"size", 128},
                                                     {"previous_result", {{"out", "/a.webp"}}},
                                                     {"previous_job", "mx-1"}}));
  ASSERT_EQ(next->then.size(), 1u);
  EXPECT_EQ(next->then[0].type, "notify");
  EXPECT_FALSE(chain_next({}, "mx-1", Payload()).has_value());
}

// A submit refuses a chain it could not run: nested workflows, payloads that are no map.
TEST(WorkflowSpecs, ASubmitRefusesStepsItCouldNotRun) {
  JobSpec nested{"a", Payload(), 0, 0};
  nested.then = {JobSpec{"b", Payload(), 0, 0}};
  JobSpec outer{"root", Payload(), 0, 0};
  outer.then = {nested};
  auto decoded = decode(encode(SubmitRequest{1, {outer}}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kInvalid);
  EXPECT_NE(decoded.error().message.find("job 0 then 0 has then"), std::string::npos)
      << decoded.error().message;

  JobSpec list_payload{"root", Payload(), 0, 0};
  list_payload.on_failure = {JobSpec{"alert", Payload::from_json({1, 2}), 0, 0}};
  decoded = decode(encode(SubmitRequest{1, {list_payload}}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("must be a map"), std::string::npos);

  JobSpec too_long{"root", Payload(), 0, 0};
  too_long.then.assign(kMaxChainSteps + 1, JobSpec{"step", Payload(), 0, 0});
  decoded = decode(encode(SubmitRequest{1, {too_long}}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kTooLarge);
}

TEST(WorkflowSpecs, EveryWorkflowFieldCrossesTheWire) {
  JobSpec spec{"thumbnail", Payload::from_json({{"in", "/a.jpg"}}), 0, 0};
  spec.batch = "mx-b1";
  spec.then = {JobSpec{"manifest", Payload(), 0, 0, "reports", 2}};
  spec.on_failure = {JobSpec{"alert", Payload::from_json({{"to", "ops"}}), 0, 0}};
  const SubmitRequest submit{4, {spec}};
  auto decoded = decode(encode(submit));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<SubmitRequest>(decoded.value()), submit);

  Job job{"mx-1.2", "thumbnail", spec.payload, 1, 3, 1000, 1700000000000};
  job.parent = "mx-1";
  job.batch = "mx-b1";
  job.then = spec.then;
  decoded = decode(encode(job));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<Job>(decoded.value()), job);
  decoded = decode(encode(JobBatch{{job, job}}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<JobBatch>(decoded.value()).jobs[1], job);

  Outcome outcome;
  outcome.id = "mx-1.2";
  outcome.type = "thumbnail";
  outcome.parent = job.parent;
  outcome.batch = job.batch;
  outcome.then = job.then;
  outcome.follow_ups = {JobSpec{"echo", Payload::from_json(7), 0, 0}, spec};
  decoded = decode(encode(OutcomeBatch{{outcome}}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<OutcomeBatch>(decoded.value()).outcomes[0], outcome);

  Ack ack{"mx-1.2", OutcomeStatus::kSucceeded, false, 1, true};
  ack.follow_ups = outcome.follow_ups;
  ack.next = chain_next(job.then, job.id, Payload::from_json(1));
  decoded = decode(encode(AckBatch{{ack}, 12}));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<AckBatch>(decoded.value()).acks[0], ack);
}

TEST(WorkflowSpecs, BatchRequestsCrossTheWire) {
  BatchOpen open{1, "nightly", JobSpec{"report", Payload(), 0, 0},
                 JobSpec{"celebrate", Payload(), 0, 0}, "pipe"};
  auto decoded = decode(encode(open));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<BatchOpen>(decoded.value()), open);

  open.on_complete->batch = "mx-b1";
  decoded = decode(encode(open));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("cannot belong to a batch"), std::string::npos);

  BatchesReply reply{2,
                     {BatchSummary{.id = "mx-b9", .known = false}, BatchSummary{.id = "mx-b1",
                                                                                .sealed = true,
                                                                                .total = 5,
                                                                                .pending = 1,
                                                                                .running = 1,
                                                                                .succeeded = 3,
                                                                                .dead_ids = {}}},
                     "pipe"};
  decoded = decode(encode(reply));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<BatchesReply>(decoded.value()), reply);
}

}  // namespace
}  // namespace zpipe
