// The Client's requests about cancelling, workers, queues, limits, schedules and batches, against a
// stand-in ventilator: what each method sends, what it makes of the answer, and a refusal as an
// Error.
#include "client/client.hpp"

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(Client, ControlWorkerSendsTheWorkerActionAndWhoAsksAndReturnsWhoGotIt) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& control = std::get<WorkerControl>(m);
    return WorkerControlReply{control.req, "thumbs-1", "vm:4410", control.action, kPipeline};
  });
  Client client(ventilator.client_config(kPipeline));
  auto stopped = client.control_worker("vm:4410", WorkerAction::kStop, "alice@web1");
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_EQ(stopped.value(),
            (WorkerControlReply{1, "thumbs-1", "vm:4410", WorkerAction::kStop, kPipeline}));
  ASSERT_TRUE(client.control_worker("thumbs-1", WorkerAction::kPause).ok());
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<WorkerControl>(sent[0]),
            (WorkerControl{1, "vm:4410", WorkerAction::kStop, "alice@web1", kPipeline}));
  EXPECT_EQ(std::get<WorkerControl>(sent[1]),
            (WorkerControl{2, "thumbs-1", WorkerAction::kPause, "", kPipeline}));
}

TEST(Client, AWorkerControlRefusedAsAmbiguousIsThatErrorWithTheWorkersListed) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return SubmitRefused{std::get<WorkerControl>(m).req, "ambiguous",
                         "2 workers are named thumbs: thumbs (vm1:1), thumbs (vm2:1); name one by "
                         "its process (host:pid), as zpipe workers lists it",
                         kPipeline};
  });
  Client client(ventilator.client_config());
  auto reply = client.control_worker("thumbs", WorkerAction::kResume);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, ErrorCode::kAmbiguous);
  EXPECT_NE(reply.error().message.find("thumbs (vm1:1), thumbs (vm2:1)"), std::string::npos)
      << reply.error().message;
}

TEST(Client, RunNowOfManyIdsAsksInPartsAndAnswersForEveryId) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& run_now = std::get<RunNowRequest>(m);
    RunNowReply reply{run_now.req, {}, kPipeline};
    for (const auto& id : run_now.ids) {
      reply.jobs.push_back({id, id == "j-0" ? RunNowResult::kDue : RunNowResult::kUnknown});
    }
    return reply;
  });
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < kMaxJobsPerQuery + 3; ++i) ids.push_back("j-" + std::to_string(i));
  Client client(ventilator.client_config(kPipeline));
  auto reply = client.run_now(ids);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  ASSERT_EQ(reply.value().jobs.size(), ids.size());
  EXPECT_EQ(reply.value().jobs.front(), (RunNowJob{"j-0", RunNowResult::kDue}));
  EXPECT_EQ(reply.value().jobs.back(), (RunNowJob{ids.back(), RunNowResult::kUnknown}));
  EXPECT_EQ(reply.value().pipeline, kPipeline);
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<RunNowRequest>(sent[0]).ids.size(), kMaxJobsPerQuery);
  EXPECT_EQ(std::get<RunNowRequest>(sent[1]).ids.size(), 3u);
  EXPECT_EQ(std::get<RunNowRequest>(sent[0]).pipeline, kPipeline)
      << "it acts: it names the pipeline";
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

// Answers batch_open with batch "b-1", each submit with ids "j-<n>" numbered across requests,
// batch_seal as accepted, and a submit whose ordinal (from 1) is `refused_submit` with busy.
Message batch_ventilator_answer(const Message& m, std::size_t& submits, std::size_t& jobs,
                                std::size_t refused_submit = 0) {
  if (const auto* open = std::get_if<BatchOpen>(&m)) {
    return SubmitAccepted{open->req, {"b-1"}, kPipeline};
  }
  if (const auto* seal = std::get_if<BatchSeal>(&m)) {
    return SubmitAccepted{seal->req, {seal->batch}, kPipeline};
  }
  const auto& submit = std::get<SubmitRequest>(m);
  if (++submits == refused_submit) {
    return SubmitRefused{submit.req, "invalid", "job 3: no handler", kPipeline};
  }
  SubmitAccepted accepted{submit.req, {}, kPipeline};
  for (std::size_t i = 0; i < submit.jobs.size(); ++i) {
    accepted.ids.push_back("j-" + std::to_string(++jobs));
  }
  return accepted;
}

JobSpec job_of(std::string type) {
  JobSpec job;
  job.type = std::move(type);
  return job;
}

JobSpec echo_job(std::size_t payload_bytes = 0) {
  auto job = job_of("echo");
  job.payload = Payload::from_json(nlohmann::json{{"text", std::string(payload_bytes, 'x')}});
  return job;
}

BatchSummary batch_of(std::string id) {
  BatchSummary batch;
  batch.id = std::move(id);
  return batch;
}

TEST(Client, OpenBatchSendsTheDescriptionAndCallbacksAndReturnsTheBatchsId) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    return SubmitAccepted{std::get<BatchOpen>(m).req, {"mx0qmj60-b1"}, kPipeline};
  });
  Client client(ventilator.client_config(kPipeline));
  BatchOptions options;
  options.description = "upload 7f3e";
  options.on_complete = job_of("manifest");
  auto id = client.open_batch(options);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id.value(), "mx0qmj60-b1");
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<BatchOpen>(sent[0]),
            (BatchOpen{1, "upload 7f3e", job_of("manifest"), std::nullopt, kPipeline}));
}

TEST(Client, SealBatchNamesItAndARefusalIsAnError) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& seal = std::get<BatchSeal>(m);
    if (seal.batch == "b-open") return SubmitAccepted{seal.req, {seal.batch}, kPipeline};
    return SubmitRefused{seal.req, "invalid", "batch " + seal.batch + " is not open", kPipeline};
  });
  Client client(ventilator.client_config(kPipeline));
  EXPECT_TRUE(client.seal_batch("b-open").ok());
  auto refused = client.seal_batch("b-sealed");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("batch b-sealed is not open"), std::string::npos)
      << refused.error().message;
  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<BatchSeal>(sent[0]), (BatchSeal{1, "b-open", kPipeline}));
}

TEST(Client, BatchesAsksByIdOrForTheLatestAndReturnsTheSummaries) {
  StandInVentilator ventilator([](const Message& m) -> Message {
    const auto& request = std::get<BatchesRequest>(m);
    BatchesReply reply{request.req, {}, kPipeline};
    for (const auto& id : request.ids) {
      auto batch = batch_of(id);
      batch.known = id != "b-9";
      reply.batches.push_back(batch);
    }
    if (request.ids.empty()) {
      auto newest = batch_of("b-2");
      newest.total = 3;
      newest.dead_ids = {"j-7"};
      reply.batches = {newest, batch_of("b-1")};
    }
    return reply;
  });
  Client client(ventilator.client_config());
  auto named = client.batches(std::vector<std::string>{"b-1", "b-9"});
  ASSERT_TRUE(named.ok()) << named.error().message;
  ASSERT_EQ(named.value().size(), 2u);
  EXPECT_TRUE(named.value()[0].known);
  EXPECT_FALSE(named.value()[1].known);
  auto latest = client.batches(20);
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  ASSERT_EQ(latest.value().size(), 2u);
  EXPECT_EQ(latest.value()[0].total, 3u);
  EXPECT_EQ(latest.value()[0].dead_ids, std::vector<std::string>{"j-7"});

  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::get<BatchesRequest>(sent[0]).ids, (std::vector<std::string>{"b-1", "b-9"}));
  EXPECT_EQ(std::get<BatchesRequest>(sent[1]), (BatchesRequest{2, {}, 20}));
}

TEST(Client, SubmitBatchOpensSubmitsEveryJobInTheBatchAThousandAtATimeAndSeals) {
  std::size_t submits = 0, jobs = 0;
  StandInVentilator ventilator(
      [&](const Message& m) { return batch_ventilator_answer(m, submits, jobs); });
  Client client(ventilator.client_config(kPipeline));
  BatchOptions options;
  options.on_success = job_of("notify");
  auto made = client.submit_batch(options, std::vector<JobSpec>(1'500, echo_job()));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made.value().id, "b-1");
  ASSERT_EQ(made.value().job_ids.size(), 1'500u);
  EXPECT_EQ(made.value().job_ids.front(), "j-1");
  EXPECT_EQ(made.value().job_ids.back(), "j-1500");

  const auto sent = ventilator.received();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(std::get<BatchOpen>(sent[0]).on_success, job_of("notify"));
  const auto& first = std::get<SubmitRequest>(sent[1]);
  EXPECT_EQ(first.jobs.size(), 1'000u);
  EXPECT_EQ(first.jobs.front().batch, "b-1");
  EXPECT_EQ(first.pipeline, kPipeline);
  EXPECT_EQ(std::get<SubmitRequest>(sent[2]).jobs.size(), 500u);
  EXPECT_EQ(std::get<BatchSeal>(sent[3]).batch, "b-1");
}

TEST(Client, SubmitBatchSendsFewerJobsARequestWhenTheyDoNotFitTheMessageLimit) {
  std::size_t submits = 0, jobs = 0;
  StandInVentilator ventilator(
      [&](const Message& m) { return batch_ventilator_answer(m, submits, jobs); });
  auto config = ventilator.client_config();
  config.limits.max_message_bytes = 4'096;
  Client client(config);
  auto made = client.submit_batch({}, std::vector<JobSpec>(10, echo_job(1'000)));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made.value().job_ids.size(), 10u);
  std::size_t requests = 0, submitted = 0;
  for (const auto& message : ventilator.received()) {
    if (const auto* submit = std::get_if<SubmitRequest>(&message)) {
      ++requests;
      submitted += submit->jobs.size();
      EXPECT_LE(encode(*submit).size(), 4'096u);
    }
  }
  EXPECT_EQ(submitted, 10u);
  EXPECT_GE(requests, 4u) << "three jobs of 1 kB fit 4 kB at most";
}

TEST(Client, SubmitBatchLeavesTheBatchOpenWhenASubmitIsRefusedAndSaysSo) {
  std::size_t submits = 0, jobs = 0;
  StandInVentilator ventilator(
      [&](const Message& m) { return batch_ventilator_answer(m, submits, jobs, 2); });
  Client client(ventilator.client_config());
  auto made = client.submit_batch({}, std::vector<JobSpec>(1'200, echo_job()));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, ErrorCode::kInvalid);
  EXPECT_NE(made.error().message.find("batch b-1 is left open with 1000 of its 1200 jobs in"),
            std::string::npos)
      << made.error().message;
  EXPECT_NE(made.error().message.find("job 3: no handler"), std::string::npos);
  for (const auto& message : ventilator.received()) {
    EXPECT_FALSE(std::holds_alternative<BatchSeal>(message)) << "a batch part in is not sealed";
  }
}

TEST(Client, SubmitBatchRefusesAJobThatNamesABatchBeforeSendingAnything) {
  std::size_t submits = 0, jobs = 0;
  StandInVentilator ventilator(
      [&](const Message& m) { return batch_ventilator_answer(m, submits, jobs); });
  Client client(ventilator.client_config());
  auto job = echo_job();
  job.batch = "b-other";
  auto made = client.submit_batch({}, {echo_job(), job});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, ErrorCode::kInvalid);
  EXPECT_NE(made.error().message.find("job 2 names batch b-other"), std::string::npos)
      << made.error().message;
  EXPECT_TRUE(ventilator.received().empty());
}

}  // namespace
}  // namespace zpipe
