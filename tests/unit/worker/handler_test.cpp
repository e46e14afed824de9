#include "worker/handler.hpp"

#include <gtest/gtest.h>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

JobSpec spec_of(const std::string& type, const nlohmann::json& payload = nullptr) {
  JobSpec spec;
  spec.type = type;
  spec.payload = Payload::from_json(payload);
  return spec;
}

class JobContextTest : public ::testing::Test {
 protected:
  static Job in_batch() {
    Job job;
    job.id = "mx-1";
    job.type = "split";
    job.batch = "mx-b1";
    return job;
  }
  Job job_ = in_batch();
  std::atomic<bool> cancelled_{false};
  JobContext context_{job_, JobContext::Clock::now() + std::chrono::minutes(1), cancelled_};
};

TEST_F(JobContextTest, GivesTheFollowUpsInTheOrderEnqueuedOnce) {
  const auto first = spec_of("ocr", {{"page", 1}});
  auto second = spec_of("ocr", {{"page", 2}});
  second.queue = "slow";
  const auto third = spec_of("merge");
  context_.enqueue(first);
  context_.enqueue(second);
  context_.enqueue(third);
  auto follow_ups = context_.take_follow_ups();
  ASSERT_TRUE(follow_ups.ok()) << follow_ups.error().message;
  EXPECT_EQ(follow_ups.value(), (std::vector<JobSpec>{first, second, third}));
  ASSERT_TRUE(context_.take_follow_ups().ok());
  EXPECT_TRUE(context_.take_follow_ups().value().empty()) << "taken once";
}

TEST_F(JobContextTest, EnqueueInBatchPutsTheFollowUpInTheJobsBatch) {
  context_.enqueue_in_batch(spec_of("ocr"));
  context_.enqueue(spec_of("log"));
  const auto follow_ups = context_.take_follow_ups().value();
  ASSERT_EQ(follow_ups.size(), 2u);
  EXPECT_EQ(follow_ups[0].batch, "mx-b1");
  EXPECT_EQ(follow_ups[1].batch, "");
  EXPECT_EQ(context_.batch(), "mx-b1");
}

TEST_F(JobContextTest, MoreFollowUpsThanTheLimitFailSayingHowMany) {
  for (std::size_t i = 0; i <= kMaxFollowUps; ++i) context_.enqueue(spec_of("ocr"));
  const auto follow_ups = context_.take_follow_ups();
  ASSERT_FALSE(follow_ups.ok());
  EXPECT_EQ(follow_ups.error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(follow_ups.error().message,
            "the handler enqueued 1001 follow-ups, more than the limit of 1000");
}

// Each spec the worker refuses is one the sink would refuse in the outcome, and the other way
// round: the outcome must never be lost for its follow-ups.
TEST_F(JobContextTest, RefusesTheFollowUpsTheSinkWouldRefuseSayingWhich) {
  auto nested_then = spec_of("resize", nlohmann::json::object());
  nested_then.then = {spec_of("upload", nlohmann::json::object())};
  nested_then.then[0].then = {spec_of("notify")};
  auto then_payload = spec_of("resize");
  then_payload.then = {spec_of("upload", 42)};
  auto failure_payload = spec_of("resize");
  failure_payload.on_failure = {spec_of("alert", "text")};
  auto bad_queue = spec_of("resize");
  bad_queue.queue = "a queue";
  auto long_batch = spec_of("resize");
  long_batch.batch = std::string(kMaxNameBytes + 1, 'b');
  auto long_timeout = spec_of("resize");
  long_timeout.timeout_ms = DecodeLimits{}.max_timeout_ms + 1;
  const std::vector<std::pair<JobSpec, std::string>> refused{
      {spec_of(""), "follow-up mx-1.2 has no type"},
      {nested_then,
       "then[0] of follow-up mx-1.2 (resize) has then, on_failure or batch of its own"},
      {then_payload,
       "then[0] of follow-up mx-1.2 (resize): the payload of a job a workflow makes (type upload) "
       "must be a map"},
      {failure_payload,
       "on_failure[0] of follow-up mx-1.2 (resize): the payload of a job a workflow makes (type "
       "alert)"},
      {bad_queue, "follow-up mx-1.2 (resize): "},
      {long_batch, "follow-up mx-1.2 (resize) has a unique_key or batch longer than 200 bytes"},
      {long_timeout, "follow-up mx-1.2 (resize) has a timeout_ms over the limit of "},
  };
  for (const auto& [spec, why] : refused) {
    context_.enqueue(spec_of("fine"));
    context_.enqueue(spec);
    const auto follow_ups = context_.take_follow_ups();
    ASSERT_FALSE(follow_ups.ok()) << why;
    EXPECT_EQ(follow_ups.error().code, ErrorCode::kInvalid);
    EXPECT_NE(follow_ups.error().message.find(why), std::string::npos)
        << follow_ups.error().message;

    Outcome outcome;
    outcome.id = "mx-1";
    outcome.follow_ups = {spec};
    EXPECT_FALSE(decode(encode(outcome)).ok()) << "the sink takes it: " << why;
  }
}

TEST(FailWithCurrentException, SaysWhatTheExceptionSaid) {
  try {
    throw std::runtime_error("disk on fire");
  } catch (...) {
    const auto failed = fail_with_current_exception();
    ASSERT_TRUE(failed.error);
    EXPECT_EQ(failed.error->code, ErrorCode::kHandlerError);
    EXPECT_EQ(failed.error->message, "handler threw: disk on fire");
  }
}

}  // namespace
}  // namespace zpipe
