// The byte examples in docs/PROTOCOL.md are what encode() produces: the document cannot drift
// from the code.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

// Each example is marked "<!-- example: NAME -->" and followed by a fenced block of hex bytes.
std::map<std::string, std::string> documented_examples() {
  std::ifstream in(ZPIPE_PROTOCOL_DOC);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  std::map<std::string, std::string> examples;
  const std::regex marker(R"(<!-- example: (\w+) -->\n```text\n([0-9a-f \n]+)```)");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), marker); it != std::sregex_iterator();
       ++it) {
    std::string bytes;
    std::istringstream hex((*it)[2]);
    for (std::string byte; hex >> byte;)
      bytes.push_back(static_cast<char>(std::stoi(byte, nullptr, 16)));
    examples[(*it)[1]] = bytes;
  }
  return examples;
}

TEST(ProtocolExamples, DocumentShowsWhatTheCodeSends) {
  const Payload hi = Payload::from_json({{"msg", "hi"}});
  // The echo job's outcome brings its payload back; the exec job's payload, of 3.2 MiB, was too
  // large to: only its size comes.
  Outcome echoed{"mx0qmj60-1",
                 "echo",
                 1,
                 1,
                 OutcomeStatus::kSucceeded,
                 "",
                 "",
                 hi,
                 "vm:4327",
                 1795890149991,
                 1795890149992,
                 1795890149993};
  echoed.payload = hi;
  Outcome exec_failed{"mx0qmj60-2",
                      "exec",
                      1,
                      3,
                      OutcomeStatus::kFailed,
                      "exec_failed",
                      "exited with status 1",
                      Payload(),
                      "vm:4327",
                      1795890149991,
                      1795890149992,
                      1795890149996,
                      4000};
  exec_failed.payload_bytes = 3'355'443;
  const std::map<std::string, Message> expected{
      {"submit", SubmitRequest{1, {JobSpec{"echo", hi, 0, 0}}}},
      {"accepted", SubmitAccepted{1, {"mx0qmj60-1"}, "5f3a9c2e81d0b7a4"}},
      {"refused",
       SubmitRefused{1, "invalid", "a submit needs at least one job", "5f3a9c2e81d0b7a4"}},
      {"status_request", StatusRequest{2}},
      {"status", StatusReply{2,
                             PipelineCounts{3, 1, 1, 0, 1, 0, 0, 0, 0},
                             {},
                             "5f3a9c2e81d0b7a4",
                             {TypeCounts{"echo", 1, 1, 0, 1, 0}},
                             std::nullopt}},
      {"workers_request", WorkersRequest{6}},
      {"workers",
       WorkersReply{6,
                    {WorkerSummary{"thumbs-1", "vm:4410", "paused", 2, 1, 7, 0, 900, 60'000, 1000},
                     WorkerSummary{"vm:4327", "", "busy", 4, 3, 120, 5, 400, 3'600'000, 1000}},
                    "5f3a9c2e81d0b7a4"}},
      {"query", JobsQuery{5, {"mx0qmj60-1", "mx0qmj60-2", "mx0qmj60-3"}}},
      {"states", JobStates{5,
                           {JobStatus{"mx0qmj60-1", JobState::kSucceeded, 1, 1},
                            JobStatus{"mx0qmj60-2", JobState::kRunning, 2, 3, "vm:4327"},
                            JobStatus{"mx0qmj60-3", JobState::kDead, 1, 3, "", 0, "invalid",
                                      "sleep needs a payload {\"ms\": N}"}},
                           "5f3a9c2e81d0b7a4"}},
      {"retry", DeadJobsRequest{3, DeadJobsRequest::Action::kRetry, {{}, true, "fail"}}},
      {"discard",
       DeadJobsRequest{4, DeadJobsRequest::Action::kDiscard, {{"mx0qmj60-1"}, false, ""}}},
      {"job", Job{"mx0qmj60-1", "echo", hi, 1, 1, 300000, 1795890149991}},
      {"jobs", JobBatch{{Job{"mx0qmj60-1", "echo", hi, 1, 1, 300000, 1795890149991},
                         Job{"mx0qmj60-2", "echo", Payload::from_json({{"msg", "ho"}}), 1, 1,
                             300000, 1795890149991}}}},
      {"ready", Credit{6, false, "vm:4327", 4}},
      {"heartbeat", Heartbeat{1000, false, "vm:4327"}},
      {"release", Release{{{"mx0qmj60-2", 1}}, "the worker is stopping"}},
      {"outcome", echoed},
      {"outcomes", OutcomeBatch{{echoed, exec_failed}}},
      {"ack", AckBatch{{Ack{"mx0qmj60-1", OutcomeStatus::kSucceeded, false, 1, true}}}},
      {"cancel", CancelRequest{7, {"mx0qmj60-1", "mx0qmj60-2"}, "alice@web1"}},
      {"cancel_reply", CancelReply{7,
                                   {CancelledJob{"mx0qmj60-1", CancelResult::kCancelled},
                                    CancelledJob{"mx0qmj60-2", CancelResult::kCancelling}},
                                   "5f3a9c2e81d0b7a4"}},
      {"cancel_jobs", CancelJobs{{{"mx0qmj60-2", 1}}, "alice@web1"}},
      {"queues_request", QueuesRequest{8}},
      {"queue_control", QueueControl{9, "mail", true}},
      {"limit_control", LimitControl{10, false, "api=10/s"}},
      {"queues", QueuesReply{8,
                             {QueueSummary{"default", 12, 2, 0, 1500, false},
                              QueueSummary{"mail", 3, 0, 1, 0, true}},
                             {LimitSummary{"api=10/s", 1, 4}},
                             "5f3a9c2e81d0b7a4"}},
      {"scheduled_request", ScheduledRequest{11, 100}},
      {"scheduled", ScheduledReply{11,
                                   {ScheduledJob{"mx0qmj60-4", "email", "mail", 1798135200000, 1}},
                                   1,
                                   "5f3a9c2e81d0b7a4"}},
      {"schedule_control",
       ScheduleControl{
           12, ScheduleControl::Action::kAdd,
           RecurringJob{"nightly", 0, "0 3 * * *",
                        JobSpec{"exec", Payload::from_json({"vacuumdb", "app"}), 0, 0}}}},
      {"schedules",
       SchedulesReply{12,
                      {RecurringJob{"nightly", 0, "0 3 * * *",
                                    JobSpec{"exec", Payload::from_json({"vacuumdb", "app"}), 0, 0},
                                    1795921200000}},
                      "5f3a9c2e81d0b7a4"}},
      {"batch_open",
       BatchOpen{13, "upload 7f3e: 3 sizes",
                 JobSpec{"manifest", Payload::from_json({{"upload", "7f3e"}}), 0, 0}}},
      {"batch_seal", BatchSeal{14, "mx0qmj60-b1"}},
      {"batches_request", BatchesRequest{15, {"mx0qmj60-b1"}, 100}},
      {"batches", BatchesReply{15,
                               {BatchSummary{.id = "mx0qmj60-b1",
                                             .description = "upload 7f3e: 3 sizes",
                                             .created_ms = 1795890149991,
                                             .finished_ms = 1795890150420,
                                             .sealed = true,
                                             .total = 3,
                                             .succeeded = 2,
                                             .dead = 1,
                                             .on_complete_id = "mx0qmj60-b1.complete",
                                             .dead_ids = {"mx0qmj60-7"}}},
                               "5f3a9c2e81d0b7a4"}},
      {"worker_control", WorkerControl{16, "thumbs-1", WorkerAction::kPause, "alice@web1"}},
      {"worker_control_reply",
       WorkerControlReply{16, "thumbs-1", "vm:4410", WorkerAction::kPause, "5f3a9c2e81d0b7a4"}},
      {"control", ControlWorker{WorkerAction::kPause, "alice@web1"}},
      {"run_now", RunNowRequest{17, {"mx0qmj60-4", "mx0qmj60-1"}}},
      {"run_now_reply", RunNowReply{17,
                                    {RunNowJob{"mx0qmj60-4", RunNowResult::kDue},
                                     RunNowJob{"mx0qmj60-1", RunNowResult::kOver}},
                                    "5f3a9c2e81d0b7a4"}},
      {"event", Event{"job.started",
                      "worker vm:4327",
                      7,
                      1795890149992,
                      {{"job", "mx0qmj60-1"}, {"type", "echo"}, {"queue", "mail"}}}},
  };
  // ZPIPE_PRINT_EXAMPLES=1: print each example's bytes as the document shows them, to paste
  // in after a change of the protocol.
  if (std::getenv("ZPIPE_PRINT_EXAMPLES") != nullptr) {
    for (const auto& [name, message] : expected) {
      std::printf("<!-- example: %s -->\n```text", name.c_str());
      const auto bytes = encode(message);
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::printf("%s%02x", i % 16 == 0 ? "\n" : " ", static_cast<unsigned char>(bytes[i]));
      }
      std::printf("\n```\n\n");
    }
  }
  const auto documented = documented_examples();
  ASSERT_EQ(documented.size(), expected.size()) << "every message kind has one example";
  ASSERT_EQ(expected.size(), std::variant_size_v<Message> + 1) << "retry and discard share one";
  for (const auto& [name, message] : expected) {
    ASSERT_EQ(documented.count(name), 1u) << "no example for " << name;
    EXPECT_EQ(documented.at(name), encode(message)) << "the " << name << " example differs";
    auto decoded = decode(documented.at(name));
    ASSERT_TRUE(decoded.ok()) << name;
    EXPECT_TRUE(decoded.value() == message) << "the " << name << " example decodes differently";
  }
}

}  // namespace
}  // namespace zpipe
