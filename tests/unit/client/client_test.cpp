// The Client's requests about cancelling, queues, limits and schedules, against a stand-in
// ventilator: what each method sends, what it makes of the answer, and a refusal as an Error.
#include "client/client.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

// A ROUTER on a loopback port that answers each request with what `answer` makes of it, and
// keeps every request it was sent. Serves on a thread of its own until destroyed.
class StandInVentilator {
 public:
  explicit StandInVentilator(std::function<Message(const Message&)> answer)
      : answer_(std::move(answer)), context_(1), router_(context_, zmq::socket_type::router) {
    router_.set(zmq::sockopt::linger, 0);
    router_.bind("tcp://127.0.0.1:*");
    endpoint_ = router_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this] { serve(); });
  }
  ~StandInVentilator() {
    stop_ = true;
    thread_.join();
  }

  ClientConfig client_config(std::string pipeline = "") const {
    auto config = ClientConfig::to(endpoint_, 5s);
    config.pipeline = std::move(pipeline);
    return config;
  }
  std::vector<Message> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    while (!stop_) {
      zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0}};
      if (zmq::poll(items, 1, 20ms) == 0) continue;
      zmq::message_t identity, body;
      (void)router_.recv(identity);
      (void)router_.recv(body);
      auto request = decode(body.to_string_view());
      if (!request.ok()) continue;
      {
        std::lock_guard lock(mutex_);
        received_.push_back(request.value());
      }
      const auto reply = encode(answer_(request.value()));
      router_.send(identity, zmq::send_flags::sndmore);
      router_.send(zmq::buffer(reply));
    }
  }

  std::function<Message(const Message&)> answer_;
  zmq::context_t context_;
  zmq::socket_t router_;
  std::string endpoint_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Message> received_;
  std::thread thread_;
};

constexpr const char* kPipeline = "00c0ffee00c0ffee";

QueuesReply queues_reply(std::uint64_t req, bool paused) {
  return QueuesReply{req,
                     {QueueSummary{"mail", 3, 1, 2, 4'200, paused}},
                     {LimitSummary{"smtp=10/s", 1, 3}},
                     kPipeline};
}

TEST(Client, CancelSendsTheIdsAndWhoAsksAndReturnsWhatBecameOfEach) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& cancel = std::get<CancelRequest>(m);
    CancelReply reply{cancel.req, {}, kPipeline};
    const CancelResult results[] = {CancelResult::kCancelled, CancelResult::kCancelling,
                                    CancelResult::kUnknown};
    for (std::size_t i = 0; i < cancel.ids.size(); ++i) {
      reply.jobs.push_back({cancel.ids[i], results[i % 3]});
    }
    return reply;
  });
  Client client(ventilator.client_config(kPipeline));
  auto reply = client.cancel({"a-1", "a-2", "a-3"}, "alice@web1");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply.value().jobs, (std::vector<CancelledJob>{{"a-1", CancelResult::kCancelled},
                                                           {"a-2", CancelResult::kCancelling},
                                                           {"a-3", CancelResult::kUnknown}}));
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 1u);
  const auto& request = std::get<CancelRequest>(sent[0]);
  EXPECT_EQ(request.ids, (std::vector<std::string>{"a-1", "a-2", "a-3"}));
  EXPECT_EQ(request.by, "alice@web1");
  EXPECT_EQ(request.pipeline, kPipeline) << "a cancel acts: it names the pipeline it is meant for";
}

TEST(Client, CancelOfManyIdsAsksInPartsAndAnswersForEveryId) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& cancel = std::get<CancelRequest>(m);
    CancelReply reply{cancel.req, {}, kPipeline};
    for (const auto& id : cancel.ids) reply.jobs.push_back({id, CancelResult::kOver});
    return reply;
  });
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < kMaxJobsPerQuery + 5; ++i) ids.push_back("j-" + std::to_string(i));
  Client client(ventilator.client_config());
  auto reply = client.cancel(ids, "bob@host");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_EQ(reply.value().jobs.size(), ids.size());
  EXPECT_EQ(reply.value().jobs.back().id, ids.back());
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<CancelRequest>(sent[0]).ids.size(), kMaxJobsPerQuery);
  EXPECT_EQ(std::get<CancelRequest>(sent[1]).ids.size(), 5u);
}

TEST(Client, PauseAndResumeNameTheQueueAndReturnTheQueues) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    if (const auto* control = std::get_if<QueueControl>(&m)) {
      return queues_reply(control->req, control->paused);
    }
    return queues_reply(std::get<QueuesRequest>(m).req, false);
  });
  Client client(ventilator.client_config(kPipeline));
  auto paused = client.pause("mail");
  ASSERT_TRUE(paused.ok()) << paused.error().message;
  EXPECT_TRUE(paused.value().queues.at(0).paused);
  auto resumed = client.resume("mail");
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_FALSE(resumed.value().queues.at(0).paused);
  auto listed = client.queues();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed.value().queues.at(0), (QueueSummary{"mail", 3, 1, 2, 4'200, false}));
  EXPECT_EQ(listed.value().limits.at(0), (LimitSummary{"smtp=10/s", 1, 3}));

  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(std::get<QueueControl>(sent[0]), (QueueControl{1, "mail", true, kPipeline}));
  EXPECT_EQ(std::get<QueueControl>(sent[1]), (QueueControl{2, "mail", false, kPipeline}));
  EXPECT_TRUE(std::holds_alternative<QueuesRequest>(sent[2]));
}

TEST(Client, SetAndClearLimitSendTheTextAsTyped) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return queues_reply(std::get<LimitControl>(m).req, false);
  });
  Client client(ventilator.client_config());
  ASSERT_TRUE(client.set_limit("smtp=10/s").ok());
  ASSERT_TRUE(client.clear_limit("smtp=rate").ok());
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<LimitControl>(sent[0]), (LimitControl{1, false, "smtp=10/s", ""}));
  EXPECT_EQ(std::get<LimitControl>(sent[1]), (LimitControl{2, true, "smtp=rate", ""}));
}

TEST(Client, ARefusalIsAnErrorWithTheVentilatorsCodeAndReason) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return SubmitRefused{std::get<LimitControl>(m).req, "invalid",
                         "limit \"smtp=10/fortnight\": the rate's unit must be s, m or h",
                         kPipeline};
  });
  Client client(ventilator.client_config());
  auto reply = client.set_limit("smtp=10/fortnight");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kInvalid);
  EXPECT_NE(reply.error().message.find("the rate's unit must be s, m or h"), std::string::npos)
      << reply.error().message;
}

TEST(Client, AnAnswerOfAnotherKindIsAnErrorThatNamesBoth) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return StatusReply{std::get<ScheduledRequest>(m).req, {}, {}, kPipeline};
  });
  Client client(ventilator.client_config());
  auto reply = client.scheduled(10);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kUnexpectedKind);
  EXPECT_NE(reply.error().message.find("scheduled_request request with status"), std::string::npos)
      << reply.error().message;
}

TEST(Client, ScheduledAsksForAtMostTheLimit) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return ScheduledReply{std::get<ScheduledRequest>(m).req,
                          {ScheduledJob{"x-1", "echo", "default", 1'800'000'000'000, 2}},
                          7,
                          kPipeline};
  });
  Client client(ventilator.client_config());
  auto reply = client.scheduled(25);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_EQ(reply.value().total, 7u);
  EXPECT_EQ(reply.value().jobs.at(0).attempt, 2u);
  EXPECT_EQ(std::get<ScheduledRequest>(ventilator.received().at(0)).limit, 25u);
}

TEST(Client, AddListAndRemoveSchedules) {
  std::vector<RecurringJob> held;
  StandInVentilator ventilator([&held](const Message& m) -> Message {
    const auto& control = std::get<ScheduleControl>(m);
    if (control.action == ScheduleControl::Action::kAdd) held.push_back(control.schedule);
    if (control.action == ScheduleControl::Action::kRemove) held.clear();
    return SchedulesReply{control.req, held, kPipeline};
  });
  Client client(ventilator.client_config(kPipeline));
  RecurringJob nightly;
  nightly.name = "nightly-report";
  nightly.cron = "0 3 * * *";
  nightly.job.type = "exec";
  nightly.job.queue = "low";
  auto added = client.add_schedule(nightly);
  ASSERT_TRUE(added.ok()) << added.error().message;
  ASSERT_EQ(added.value().schedules.size(), 1u);
  EXPECT_EQ(added.value().schedules[0].cron, "0 3 * * *");
  EXPECT_EQ(added.value().schedules[0].job.queue, "low");
  auto listed = client.schedules();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(listed.value().schedules.size(), 1u);
  auto removed = client.remove_schedule("nightly-report");
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed.value().schedules.empty());

  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(std::get<ScheduleControl>(sent[0]).action, ScheduleControl::Action::kAdd);
  EXPECT_EQ(std::get<ScheduleControl>(sent[0]).pipeline, kPipeline);
  EXPECT_EQ(std::get<ScheduleControl>(sent[1]).action, ScheduleControl::Action::kList);
  EXPECT_EQ(std::get<ScheduleControl>(sent[2]).action, ScheduleControl::Action::kRemove);
  EXPECT_EQ(std::get<ScheduleControl>(sent[2]).schedule.name, "nightly-report");
}

}  // namespace
}  // namespace zpipe
