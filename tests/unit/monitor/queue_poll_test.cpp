#include "monitor/queue_poll.hpp"

#include <gtest/gtest.h>

#include "common/protocol.hpp"
#include "common/receive_frames.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

// The ventilator's side: a ROUTER that takes one request and answers it, [identity, body].
struct FakeVentilator {
  explicit FakeVentilator(zmq::context_t& context)
      : requests_in(context, zmq::socket_type::router) {
    requests_in.bind("inproc://ventilator");
  }
  // The next request, with who sent it; waits up to a second.
  std::pair<zmq::message_t, Message> take() {
    zmq::pollitem_t items[] = {{requests_in.handle(), 0, ZMQ_POLLIN, 0}};
    EXPECT_EQ(zmq::poll(items, 1, 1000ms), 1);
    auto received = receive_frames(requests_in, 2);
    EXPECT_EQ(received.total, 2u);
    auto decoded = decode(received.frames[1].to_string_view());
    EXPECT_TRUE(decoded.ok());
    return {std::move(received.frames[0]), std::move(decoded.value())};
  }
  void answer(zmq::message_t& who, const std::string& body) {
    zmq::message_t identity;
    identity.copy(who);
    requests_in.send(identity, zmq::send_flags::sndmore);
    requests_in.send(zmq::buffer(body));
  }
  zmq::socket_t requests_in;
};

QueuePoll::Replies replies_within(QueuePoll& poll, QueuePoll::Clock::time_point now) {
  QueuePoll::Replies all;
  for (int i = 0; i < 100 && !(all.queues && all.status && all.batches); ++i) {
    zmq::pollitem_t items[] = {{poll.socket().handle(), 0, ZMQ_POLLIN, 0}};
    (void)zmq::poll(items, 1, 10ms);
    auto replies = poll.take_replies(now);
    if (replies.queues) all.queues = std::move(replies.queues);
    if (replies.status) all.status = std::move(replies.status);
    if (replies.batches) all.batches = std::move(replies.batches);
  }
  return all;
}

TEST(QueuePoll, AsksForQueuesStatusAndBatchesOnceASecondAndTakesOnlyTheAnswersToThem) {
  zmq::context_t context;
  FakeVentilator ventilator(context);
  QueuePoll poll(context, "inproc://ventilator", CurveSetup{}, DecodeLimits{});
  const auto t0 = QueuePoll::Clock::time_point{} + 1h;
  ASSERT_TRUE(poll.ask_if_due(t0));
  EXPECT_FALSE(poll.ask_if_due(t0 + 100ms)) << "its answers are still awaited";
  auto [who, queues_request] = ventilator.take();
  auto [again, status_request] = ventilator.take();
  auto [once_more, batches_request] = ventilator.take();
  const auto* queues = std::get_if<QueuesRequest>(&queues_request);
  const auto* status = std::get_if<StatusRequest>(&status_request);
  const auto* batches = std::get_if<BatchesRequest>(&batches_request);
  ASSERT_NE(queues, nullptr);
  ASSERT_NE(status, nullptr);
  ASSERT_NE(batches, nullptr);
  EXPECT_TRUE(batches->ids.empty()) << "the latest ones";
  EXPECT_EQ(batches->limit, QueuePoll::kBatchesAsked);
  // An answer to another request is dropped; the right ones are taken.
  ventilator.answer(who, encode(QueuesReply{queues->req + 100, {QueueSummary{"stale"}}, {}}));
  ventilator.answer(who, encode(QueuesReply{queues->req, {QueueSummary{"mail", 3}}, {}}));
  StatusReply status_reply;
  status_reply.req = status->req;
  status_reply.types_without_workers = {"word_count"};
  ventilator.answer(who, encode(status_reply));
  ventilator.answer(who,
                    encode(BatchesReply{batches->req, {BatchSummary{.id = "b1", .total = 3}}}));
  const auto replies = replies_within(poll, t0 + 200ms);
  ASSERT_TRUE(replies.queues.has_value());
  ASSERT_EQ(replies.queues->queues.size(), 1u);
  EXPECT_EQ(replies.queues->queues[0].name, "mail");
  ASSERT_TRUE(replies.status.has_value());
  EXPECT_EQ(replies.status->types_without_workers, std::vector<std::string>{"word_count"});
  ASSERT_TRUE(replies.batches.has_value());
  ASSERT_EQ(replies.batches->batches.size(), 1u);
  EXPECT_EQ(replies.batches->batches[0].total, 3u);
  // The next ones a second after the answers.
  EXPECT_EQ(poll.next_ask(), t0 + 200ms + QueuePoll::kInterval);
  EXPECT_FALSE(poll.ask_if_due(t0 + 1100ms));
  EXPECT_TRUE(poll.ask_if_due(t0 + 1200ms));
}

TEST(QueuePoll, AsksAgainWhenNoAnswerComes) {
  zmq::context_t context;
  FakeVentilator ventilator(context);
  QueuePoll poll(context, "inproc://ventilator", CurveSetup{}, DecodeLimits{});
  const auto t0 = QueuePoll::Clock::time_point{} + 1h;
  ASSERT_TRUE(poll.ask_if_due(t0));
  for (int i = 0; i < 3; ++i) (void)ventilator.take();
  EXPECT_FALSE(poll.ask_if_due(t0 + QueuePoll::kGiveUpAfter - 1ms));
  ASSERT_TRUE(poll.ask_if_due(t0 + QueuePoll::kGiveUpAfter));
  auto [who, request] = ventilator.take();
  EXPECT_TRUE(std::holds_alternative<QueuesRequest>(request));
}

TEST(QueuePoll, AVentilatorThatRefusesTheBatchesRequestHasNoneAndIsAskedASecondLater) {
  zmq::context_t context;
  FakeVentilator ventilator(context);
  QueuePoll poll(context, "inproc://ventilator", CurveSetup{}, DecodeLimits{});
  const auto t0 = QueuePoll::Clock::time_point{} + 1h;
  ASSERT_TRUE(poll.ask_if_due(t0));
  auto [who, queues_request] = ventilator.take();
  auto [again, status_request] = ventilator.take();
  auto [once_more, batches_request] = ventilator.take();
  ventilator.answer(who, encode(QueuesReply{std::get<QueuesRequest>(queues_request).req, {}, {}}));
  StatusReply status_reply;
  status_reply.req = std::get<StatusRequest>(status_request).req;
  ventilator.answer(who, encode(status_reply));
  // As a ventilator that does not know the kind answers.
  ventilator.answer(who, encode(SubmitRefused{std::get<BatchesRequest>(batches_request).req,
                                              "unexpected_kind", "unknown kind"}));
  const auto replies = replies_within(poll, t0 + 200ms);
  ASSERT_TRUE(replies.queues.has_value());
  ASSERT_TRUE(replies.batches.has_value());
  EXPECT_TRUE(replies.batches->batches.empty());
  EXPECT_EQ(poll.next_ask(), t0 + 200ms + QueuePoll::kInterval);
}

}  // namespace
}  // namespace zpipe
