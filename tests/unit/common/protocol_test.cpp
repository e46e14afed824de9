#include "common/protocol.hpp"

#include <map>
#include <random>

#include <gtest/gtest.h>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "common/follow_ups.hpp"
#include "common/version.hpp"

namespace zpipe {
namespace {

// Decodes what encode() made; a failure is reported and yields a default T, which then
// differs from the message in the caller's comparison.
template <class T>
T round_trip(const T& message) {
  auto decoded = decode(encode(message));
  if (!decoded.ok()) {
    ADD_FAILURE() << decoded.error().message;
    return T{};
  }
  if (!std::holds_alternative<T>(decoded.value())) {
    ADD_FAILURE() << "decoded as " << kind_name(decoded.value());
    return T{};
  }
  return std::get<T>(decoded.value());
}

Job sample_job() {
  return Job{"abc-1", "echo",       Payload::from_json({{"msg", "hi"}, {"n", 3}}), 2, 5,
             1500,    1700000000123};
}

// Packs a map with the given entries (string keys) as one message.
std::string pack_map(const std::vector<std::pair<std::string, msgpack::object>>& entries,
                     msgpack::zone& zone) {
  (void)zone;
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> p(buffer);
  p.pack_map(static_cast<std::uint32_t>(entries.size()));
  for (const auto& [k, v] : entries) {
    p.pack(k);
    p.pack(v);
  }
  return std::string(buffer.data(), buffer.size());
}

TEST(Protocol, RoundTripsEveryMessageKind) {
  SubmitRequest submit{
      7, {JobSpec{"echo", Payload::from_json({1, 2}), 100, 3}, JobSpec{"sleep", {}, 0, 0}}};
  EXPECT_EQ(round_trip(submit), submit);
  SubmitAccepted accepted{7, {"a-1", "a-2"}};
  EXPECT_EQ(round_trip(accepted), accepted);
  SubmitRefused refused{7, "invalid", "nope"};
  EXPECT_EQ(round_trip(refused), refused);
  StatusRequest status_request{9};
  EXPECT_EQ(round_trip(status_request), status_request);
  StatusReply status{9, PipelineCounts{10, 2, 3, 4, 1, 0}, {}};
  EXPECT_EQ(round_trip(status), status);
  StatusReply alerted{10, PipelineCounts{}, {"sink vm:42: disk full: cannot record outcomes"}};
  EXPECT_EQ(round_trip(alerted), alerted);
  EXPECT_EQ(round_trip(sample_job()), sample_job());
  Outcome outcome{"abc-1",
                  "exec",
                  1,
                  3,
                  OutcomeStatus::kFailed,
                  "exec_failed",
                  "exited with status 3",
                  Payload::from_json({{"exit_status", 3}}),
                  "host:1",
                  1,
                  2,
                  3};
  EXPECT_EQ(round_trip(outcome), outcome);
  AckBatch acks{
      {Ack{"abc-1", OutcomeStatus::kSucceeded, false}, Ack{"abc-2", OutcomeStatus::kFailed, true}}};
  EXPECT_EQ(round_trip(acks), acks);
  acks.lag_ms = 9'500;  // a sink behind says by how much
  EXPECT_EQ(round_trip(acks), acks);
  Event event{"job.failed", "worker h:1", 42, 1700000000000, {{"job", "abc-1"}, {"error", "boom"}}};
  EXPECT_EQ(round_trip(event), event);
  const Credit credit{12, true, "vm:4327"};
  EXPECT_EQ(round_trip(credit), credit);
  auto windowed = credit;
  windowed.slots = 4;
  windowed.window = 14;
  EXPECT_EQ(round_trip(windowed), windowed);
  auto second = sample_job();
  second.id = "mx0qmj60-2";
  const JobBatch batch{{sample_job(), second}};
  EXPECT_EQ(round_trip(batch), batch);
  auto measured = outcome;
  measured.id = "abc-2";
  measured.cpu_us = 1500;
  measured.max_rss_kb = 2048;
  const OutcomeBatch outcomes{{outcome, measured}};
  EXPECT_EQ(round_trip(outcomes), outcomes);
  StatusReply by_type{11,
                      PipelineCounts{5, 1, 1, 1, 1, 1, 1},
                      {},
                      "p1",
                      {TypeCounts{"echo", 1, 0, 0, 1, 0}, TypeCounts{"fail", 0, 1, 1, 0, 1}},
                      TypeCounts{"", 3, 0, 0, 9, 2}};
  EXPECT_EQ(round_trip(by_type), by_type);
  const Heartbeat paused{1000, false, "thumbs-1", "paused", "vm:4410"};
  EXPECT_EQ(round_trip(paused), paused);
  const WorkersRequest workers_request{12};
  EXPECT_EQ(round_trip(workers_request), workers_request);
  const WorkersReply workers{
      12,
      {WorkerSummary{"thumbs-1", "vm:4410", "silent", 2, 1, 7, 0, 2500, 60'000, 1000},
       WorkerSummary{"vm:4327", "", "idle", 4, 0, 0, 8, 10, 20, 0}},
      "p1"};
  EXPECT_EQ(round_trip(workers), workers);
  EXPECT_EQ(round_trip(WorkersReply{13, {}, "p1"}), (WorkersReply{13, {}, "p1"}));
}

TEST(Protocol, AStatusLeavesOutPerTypeCountsItHasNot) {
  const auto plain = encode(StatusReply{9, PipelineCounts{}, {}, "p1"});
  EXPECT_EQ(plain.find("by_type"), std::string::npos);
  EXPECT_EQ(plain.find("other_types"), std::string::npos);
  const auto decoded = decode(plain);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(std::get<StatusReply>(decoded.value()).by_type.empty());
  EXPECT_FALSE(std::get<StatusReply>(decoded.value()).other_types);
}

TEST(Protocol, AHeartbeatOfAWorkerTakingJobsSaysNoState) {
  // As before the field: a ventilator of an earlier version reads it unchanged.
  EXPECT_EQ(encode(Heartbeat{1000, false, "vm:4327", "", ""}),
            encode(Heartbeat{1000, false, "vm:4327"}));
  EXPECT_EQ(encode(Heartbeat{1000, false, "vm:4327"}).find("state"), std::string::npos);
}

TEST(Protocol, WorkerControlRoundTripsEachActionWithOrWithoutWhoAsks) {
  for (const auto action : {WorkerAction::kPause, WorkerAction::kResume, WorkerAction::kStop}) {
    const WorkerControl asked{3, "vm:4410", action, "alice@web1", "p1"};
    EXPECT_EQ(round_trip(asked), asked);
    const WorkerControl plain{4, "thumbs-1", action};
    EXPECT_EQ(round_trip(plain), plain);
    EXPECT_EQ(encode(plain).find("pipeline"), std::string::npos);
    const WorkerControlReply reply{3, "thumbs-1", "vm:4410", action, "p1"};
    EXPECT_EQ(round_trip(reply), reply);
    const ControlWorker order{action, "alice@web1"};
    EXPECT_EQ(round_trip(order), order);
    EXPECT_EQ(round_trip(ControlWorker{action}), ControlWorker{action});
  }
  EXPECT_EQ(to_string(WorkerAction::kStop), "stop");
  EXPECT_EQ(worker_action_from("resume"), WorkerAction::kResume);
  EXPECT_FALSE(worker_action_from("kill"));
}

TEST(Protocol, RefusesAWorkerControlWithoutAWorkerOrWithAnUnknownAction) {
  msgpack::zone zone;
  const auto with = [&zone](const std::string& kind, const std::string& worker,
                            const std::string& action) {
    std::vector<std::pair<std::string, msgpack::object>> fields{
        {"v", msgpack::object(kProtocolVersion)},
        {"k", msgpack::object(kind.c_str(), zone)},
        {"action", msgpack::object(action.c_str(), zone)}};
    if (kind == "worker_control") {
      fields.emplace_back("req", msgpack::object(5));
      fields.emplace_back("worker", msgpack::object(worker.c_str(), zone));
    }
    return decode(pack_map(fields, zone));
  };
  EXPECT_TRUE(with("worker_control", "thumbs-1", "stop").ok());
  const auto nameless = with("worker_control", "", "stop");
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error().code, ErrorCode::kInvalid);
  const auto unknown = with("worker_control", "thumbs-1", "kill");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalid);
  EXPECT_NE(unknown.error().message.find("\"pause\", \"resume\" or \"stop\""), std::string::npos)
      << unknown.error().message;
  const auto order = with("control", "", "kill");
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.error().code, ErrorCode::kInvalid);
}

TEST(Protocol, AHeartbeatSaysThatTheWorkerTakesControlOnlyWhenItDoes) {
  Heartbeat heartbeat{1000, false, "thumbs-1", "", "vm:4410"};
  EXPECT_EQ(encode(heartbeat).find("control"), std::string::npos) << "as an older worker's";
  EXPECT_FALSE(round_trip(heartbeat).takes_control);
  heartbeat.takes_control = true;
  EXPECT_NE(encode(heartbeat).find("control"), std::string::npos);
  EXPECT_EQ(round_trip(heartbeat), heartbeat);
}

TEST(Protocol, RunNowRoundTripsAndRefusesMoreIdsThanAQuery) {
  const RunNowRequest request{6, {"x-1", "x-2"}, "p1"};
  EXPECT_EQ(round_trip(request), request);
  const RunNowReply reply{
      6,
      {RunNowJob{"x-1", RunNowResult::kDue}, RunNowJob{"x-2", RunNowResult::kPending},
       RunNowJob{"x-3", RunNowResult::kRunning}, RunNowJob{"x-4", RunNowResult::kOver},
       RunNowJob{"x-5", RunNowResult::kUnknown}},
      "p1"};
  EXPECT_EQ(round_trip(reply), reply);
  const auto too_many =
      decode(encode(RunNowRequest{1, std::vector<std::string>(kMaxJobsPerQuery + 1, "x-1")}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ErrorCode::kTooLarge);
  // A result from a later version reads as unknown.
  msgpack::zone zone;
  const auto later = decode(pack_map({{"v", msgpack::object(kProtocolVersion)},
                                      {"k", msgpack::object("run_now_reply", zone)},
                                      {"req", msgpack::object(2)},
                                      {"jobs", msgpack::object(
                                                   std::vector<std::map<std::string, std::string>>{
                                                       {{"id", "x-1"}, {"result", "postponed"}}},
                                                   zone)}},
                                     zone));
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(std::get<RunNowReply>(later.value()).jobs.at(0).result, RunNowResult::kUnknown);
}

Outcome outcome_of(std::string id, OutcomeStatus status) {
  Outcome o;
  o.id = std::move(id);
  o.type = "exec";
  o.status = status;
  if (status == OutcomeStatus::kFailed) {
    o.error_code = "exec_failed";
    o.error = "exited with status 1";
  }
  return o;
}

TEST(Protocol, AnOutcomesBatchIsItsEntriesPutTogether) {
  const auto first = outcome_of("abc-1", OutcomeStatus::kSucceeded);
  const auto second = outcome_of("abc-2", OutcomeStatus::kFailed);
  const auto a = encode_outcome_entry(first);
  const auto b = encode_outcome_entry(second);
  const auto message = encode_outcomes({a, b});
  EXPECT_EQ(message, encode(OutcomeBatch{{first, second}}));
  EXPECT_LE(message.size(), a.size() + b.size() + kOutcomesEnvelopeBytes);
}

TEST(Protocol, AnOutcomeCarriesTheJobsPayloadOrItsSizeAndAnOlderOneNeither) {
  auto kept = outcome_of("abc-1", OutcomeStatus::kSucceeded);
  kept.payload = Payload::from_json({{"argv", {"true"}}});
  auto too_large = outcome_of("abc-2", OutcomeStatus::kSucceeded);
  too_large.payload_bytes = 3'355'443;
  auto nil = outcome_of("abc-3", OutcomeStatus::kSucceeded);
  nil.payload = Payload();
  const auto older = outcome_of("abc-4", OutcomeStatus::kSucceeded);
  const OutcomeBatch batch{{kept, too_large, nil, older}};
  const auto decoded = decode(encode(batch));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(decoded.value() == Message(batch));
  const auto& outcomes = std::get<OutcomeBatch>(decoded.value()).outcomes;
  EXPECT_TRUE(outcomes[2].payload.has_value()) << "a nil payload is a payload";
  EXPECT_FALSE(outcomes[3].payload.has_value());
  EXPECT_EQ(outcomes[3].payload_bytes, 0u);
}

TEST(Protocol, AnOutcomesBatchNeedsOutcomesEachOfThemValid) {
  EXPECT_EQ(decode(encode(OutcomeBatch{})).error().code, ErrorCode::kInvalid);
  const auto good = outcome_of("abc-1", OutcomeStatus::kSucceeded);
  auto bad = good;
  bad.id = "";
  const auto refused = decode(encode(OutcomeBatch{{good, bad}}));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("outcome 1"), std::string::npos)
      << refused.error().message;
}

TEST(Protocol, AJobsBatchNeedsJobsEachOfThemValid) {
  EXPECT_EQ(decode(encode(JobBatch{})).error().code, ErrorCode::kInvalid);
  auto bad = sample_job();
  bad.attempt = 0;
  const auto refused = decode(encode(JobBatch{{sample_job(), bad}}));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("attempt"), std::string::npos) << refused.error().message;
}

TEST(Protocol, EveryMessageCarriesVersionAndKind) {
  const auto bytes = encode(sample_job());
  const auto handle = msgpack::unpack(bytes.data(), bytes.size());
  const auto map = handle.get().as<std::map<std::string, msgpack::object>>();
  EXPECT_EQ(map.at("v").as<std::uint64_t>(), kProtocolVersion);
  EXPECT_EQ(map.at("k").as<std::string>(), "job");
}

TEST(Protocol, PayloadCrossesUnchanged) {
  auto job = sample_job();
  job.payload = Payload::from_json({{"nested", {{"list", {1, "two", nullptr, 3.5}}}}});
  EXPECT_EQ(round_trip(job).payload.to_json(), job.payload.to_json());
}

TEST(Protocol, RejectsMalformedMsgpack) {
  const auto result = decode(std::string("\xc1\x00\x01", 3));  // 0xc1 is never valid
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMalformed);
}

TEST(Protocol, RejectsTruncatedMessage) {
  auto bytes = encode(sample_job());
  bytes.resize(bytes.size() - 3);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMalformed);
}

TEST(Protocol, RejectsEmptyInput) {
  const auto result = decode("");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMalformed);
}

TEST(Protocol, RejectsTrailingBytes) {
  const auto result = decode(encode(sample_job()) + "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTrailingBytes);
}

TEST(Protocol, RejectsUnknownVersion) {
  msgpack::zone zone;
  // Version 1 is the one before heartbeat and release: its acks could say "released".
  for (const std::uint64_t version : {kProtocolVersion - 1, kProtocolVersion + 1}) {
    const auto bytes =
        pack_map({{"v", msgpack::object(version)}, {"k", msgpack::object("job", zone)}}, zone);
    const auto result = decode(bytes);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kUnsupportedVersion);
  }
}

TEST(Protocol, RejectsMissingVersion) {
  msgpack::zone zone;
  const auto bytes = pack_map({{"k", msgpack::object("job", zone)}}, zone);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMissingField);
  EXPECT_NE(result.error().message.find("\"v\""), std::string::npos);
}

TEST(Protocol, RejectsUnknownKind) {
  msgpack::zone zone;
  const auto bytes = pack_map(
      {{"v", msgpack::object(kProtocolVersion)}, {"k", msgpack::object("teleport", zone)}}, zone);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnknownKind);
}

TEST(Protocol, RejectsANonMapMessage) {
  msgpack::sbuffer buffer;
  msgpack::pack(buffer, std::vector<int>{1, 2, 3});
  const auto result = decode(std::string(buffer.data(), buffer.size()));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kWrongType);
}

TEST(Protocol, RejectsMissingField) {
  msgpack::zone zone;
  const auto bytes = pack_map({{"v", msgpack::object(kProtocolVersion)},
                               {"k", msgpack::object("job", zone)},
                               {"id", msgpack::object("x-1", zone)}},
                              zone);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMissingField);
  EXPECT_NE(result.error().message.find("\"type\""), std::string::npos) << result.error().message;
}

TEST(Protocol, RejectsFieldOfWrongType) {
  msgpack::zone zone;
  const auto bytes = pack_map({{"v", msgpack::object(kProtocolVersion)},
                               {"k", msgpack::object("status_request", zone)},
                               {"req", msgpack::object("seven", zone)}},
                              zone);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kWrongType);
  EXPECT_NE(result.error().message.find("req"), std::string::npos);
}

TEST(Protocol, RejectsNegativeCounts) {
  msgpack::zone zone;
  const auto bytes = pack_map({{"v", msgpack::object(kProtocolVersion)},
                               {"k", msgpack::object("status_request", zone)},
                               {"req", msgpack::object(-1)}},
                              zone);
  const auto result = decode(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kWrongType);
}

TEST(Protocol, RejectsATimeLimitOverTheCap) {
  DecodeLimits limits;
  limits.max_timeout_ms = 1000;
  auto job = sample_job();
  job.timeout_ms = 1001;
  const auto result = decode(encode(job), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  const auto submit = decode(encode(SubmitRequest{1, {JobSpec{"echo", {}, ~0ull, 0}}}));
  ASSERT_FALSE(submit.ok());
  EXPECT_EQ(submit.error().code, ErrorCode::kInvalid);
}

TEST(Protocol, RejectsEmptyJobType) {
  const auto result = decode(encode(SubmitRequest{1, {JobSpec{"", {}, 0, 0}}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
}

TEST(Protocol, RejectsJobWithAttemptZero) {
  auto job = sample_job();
  job.attempt = 0;
  const auto result = decode(encode(job));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
}

TEST(Protocol, RejectsOversizedMessage) {
  DecodeLimits limits;
  limits.max_message_bytes = 64;
  auto job = sample_job();
  job.payload = Payload::from_json(std::string(100, 'x'));
  const auto result = decode(encode(job), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

TEST(Protocol, RejectsArrayOverTheUnpackLimit) {
  DecodeLimits limits;
  limits.max_array = 10;
  const auto result = decode(encode(SubmitAccepted{1, std::vector<std::string>(11, "id")}), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

TEST(Protocol, RejectsNestingOverTheDepthLimit) {
  DecodeLimits limits;
  limits.max_depth = 8;
  nlohmann::json deep = 1;
  for (int i = 0; i < 20; ++i) deep = nlohmann::json::array({deep});
  auto job = sample_job();
  job.payload = Payload::from_json(deep);
  const auto result = decode(encode(job), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

TEST(Protocol, RejectsStringOverTheLimit) {
  DecodeLimits limits;
  limits.max_string = 16;
  auto job = sample_job();
  job.id = std::string(17, 'i');
  const auto result = decode(encode(job), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

TEST(Protocol, RejectsSubmitOverTheJobLimit) {
  DecodeLimits limits;
  limits.max_jobs_per_submit = 3;
  const auto result =
      decode(encode(SubmitRequest{1, std::vector<JobSpec>(4, JobSpec{"echo", {}, 0, 0})}), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge);
}

TEST(Protocol, RejectsAQueryOverTheIdLimitAndReadsRepliesWithoutAPipeline) {
  const auto too_many =
      decode(encode(JobsQuery{1, std::vector<std::string>(kMaxJobsPerQuery + 1, "x-1")}));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ErrorCode::kTooLarge);
  EXPECT_TRUE(decode(encode(JobsQuery{1, std::vector<std::string>(kMaxJobsPerQuery, "x-1")})).ok());
  // A ventilator from before pipeline identities leaves the field out.
  const auto old = decode(encode(SubmitAccepted{7, {"x-1"}}));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(std::get<SubmitAccepted>(old.value()).pipeline, "");
  // A state from a later version reads as unknown.
  msgpack::zone zone;
  const auto later = decode(pack_map({{"v", msgpack::object(kProtocolVersion)},
                                      {"k", msgpack::object("states", zone)},
                                      {"req", msgpack::object(2)},
                                      {"jobs", msgpack::object(
                                                   std::vector<std::map<std::string, std::string>>{
                                                       {{"id", "x-1"}, {"state", "paused"}}},
                                                   zone)}},
                                     zone));
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(std::get<JobStates>(later.value()).jobs.at(0).state, JobState::kUnknown);
}

TEST(Protocol, IgnoresUnknownExtraFields) {
  msgpack::zone zone;
  const auto bytes = pack_map({{"v", msgpack::object(kProtocolVersion)},
                               {"k", msgpack::object("status_request", zone)},
                               {"req", msgpack::object(5)},
                               {"priority", msgpack::object("high", zone)}},
                              zone);
  const auto result = decode(bytes);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<StatusRequest>(result.value()).req, 5u);
}

TEST(Protocol, PeeksTheRequestNumberOfARefusedRequest) {
  const auto bad_job = encode(SubmitRequest{42, {JobSpec{"", {}, 0, 0}}});
  ASSERT_FALSE(decode(bad_job).ok());
  EXPECT_EQ(peek_request_number(bad_job), 42u);
  EXPECT_EQ(peek_request_number(encode(StatusRequest{7}) + "x"), 7u) << "despite trailing bytes";
  EXPECT_EQ(peek_request_number("\xc1"), std::nullopt);
  EXPECT_EQ(peek_request_number(encode(sample_job())), std::nullopt) << "no req field";
}

// A submit that begins {"v":2, "k":"submit", "req":REQ, "jobs":[{"type":"echo", "payload":
// ...}]} with a payload that `pack_payload` packs.
template <class PackPayload>
std::string submit_with_payload(std::uint64_t req, PackPayload pack_payload) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> p(buffer);
  p.pack_map(4).pack("v").pack(kProtocolVersion).pack("k").pack("submit").pack("req").pack(req);
  p.pack("jobs").pack_array(1).pack_map(2).pack("type").pack("echo").pack("payload");
  pack_payload(p);
  return std::string(buffer.data(), buffer.size());
}

TEST(Protocol, PeeksTheRequestNumberOfARequestOverAMsgpackLimit) {
  using Packer = msgpack::packer<msgpack::sbuffer>;
  const std::pair<const char*, std::string> over_limits[] = {
      {"an ext value", submit_with_payload(11,
                                           [](Packer& p) {
                                             p.pack_ext(2000, 1).pack_ext_body(
                                                 std::string(2000, 'e').data(), 2000);
                                           })},
      {"an array of 100,001 elements", submit_with_payload(12,
                                                           [](Packer& p) {
                                                             p.pack_array(100'001);
                                                             for (int i = 0; i < 100'001; ++i)
                                                               p.pack_nil();
                                                           })},
      {"nesting 40 deep", submit_with_payload(13,
                                              [](Packer& p) {
                                                for (int i = 0; i < 36; ++i) p.pack_array(1);
                                                p.pack_nil();
                                              })},
  };
  std::uint64_t req = 11;
  for (const auto& [what, bytes] : over_limits) {
    const auto decoded = decode(bytes);
    ASSERT_FALSE(decoded.ok()) << what;
    EXPECT_EQ(decoded.error().code, ErrorCode::kTooLarge)
        << what << ": " << decoded.error().message;
    EXPECT_EQ(peek_request_number(bytes), req++) << what;
  }
  // The req after the value over the limit: still found.
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> p(buffer);
  p.pack_map(3).pack("v").pack(kProtocolVersion).pack("deep");
  for (int i = 0; i < 40; ++i) p.pack_array(1);
  p.pack_nil().pack("req").pack(14);
  const std::string req_last(buffer.data(), buffer.size());
  ASSERT_EQ(decode(req_last).error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(peek_request_number(req_last), 14u);
  // Over the message size limit: not looked at.
  DecodeLimits small;
  small.max_message_bytes = 64;
  EXPECT_EQ(peek_request_number(over_limits[0].second, small), std::nullopt);
}

TEST(Protocol, NeverThrowsOnRandomBytes) {
  std::mt19937 random(12345);
  const auto valid = encode(sample_job());
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int f = 0; f < flips; ++f) bytes[random() % bytes.size()] = static_cast<char>(random());
    if (random() % 3 == 0) bytes.resize(random() % bytes.size());
    EXPECT_NO_THROW((void)decode(bytes));
  }
}

// Found by fuzz/protocol_decode_fuzzer.cpp and payload_json_fuzzer.cpp: msgpack-c packs a float
// of exactly 2^64 by converting it to uint64_t, which is undefined (UBSan reports it; on x86 the
// payload came out as 2^63).
TEST(Protocol, PassesAFloatOfTwoToThe64Unchanged) {
  for (const auto& bytes : {std::string("\xcb\x43\xf0\x00\x00\x00\x00\x00\x00", 9),
                            std::string("\xca\x5f\x80\x00\x00", 5)}) {
    auto job = sample_job();
    job.payload = Payload::from_msgpack(bytes);
    EXPECT_EQ(round_trip(job).payload.msgpack(), bytes);
    EXPECT_EQ(round_trip(job).payload.to_json(), 18446744073709551616.0);
  }
}

TEST(Protocol, DecodesAPayloadAsDecodeReadsOne) {
  const auto job = decode(encode(sample_job()));
  ASSERT_TRUE(job.ok());
  const auto payload = decode_payload(sample_job().payload.msgpack());
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(payload.value(), std::get<Job>(job.value()).payload);
  // Packed again in msgpack-c's form: 5 as a uint8 (0xcc 0x05) becomes a fixint.
  EXPECT_EQ(decode_payload(std::string("\xcc\x05", 2)).value().msgpack(), "\x05");
}

TEST(Protocol, RefusesPayloadsAsDecodeDoes) {
  EXPECT_EQ(decode_payload(std::string("\x05\x05", 2)).error().code, ErrorCode::kTrailingBytes);
  EXPECT_EQ(decode_payload(std::string("\x92\x01", 2)).error().code, ErrorCode::kMalformed);
  EXPECT_EQ(decode_payload(std::string("\xd4\x01\x00", 3)).error().code, ErrorCode::kTooLarge)
      << "ext values are not taken";
  // An array header that claims 2^32-1 elements: refused before anything is allocated for it.
  EXPECT_EQ(decode_payload(std::string("\xdd\xff\xff\xff\xff", 5)).error().code,
            ErrorCode::kTooLarge);
  DecodeLimits limits;
  limits.max_depth = 4;
  EXPECT_EQ(decode_payload(std::string("\x91\x91\x91\x91\x91\x01"), limits).error().code,
            ErrorCode::kTooLarge);
}

TEST(Protocol, JobSpecsRoundTripAsOneArrayAndAreRefusedAsDecodeRefusesThem) {
  JobSpec step{"upload", Payload::from_json({{"to", "s3"}}), 0, 0};
  JobSpec spec{"resize", Payload::from_json({{"size", 256}}), 5000, 3};
  spec.queue = "images";
  spec.batch = "mx-b1";
  spec.then = {step};
  const std::vector<JobSpec> specs{spec, JobSpec{"echo", Payload(), 0, 0}};
  const auto bytes = encode_job_specs(specs);
  EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x92) << "a msgpack array of two";
  EXPECT_EQ(decode_job_specs(bytes).value(), specs);
  EXPECT_TRUE(decode_job_specs(encode_job_specs({})).value().empty());

  EXPECT_EQ(decode_job_specs(std::string("\x05", 1)).error().code, ErrorCode::kWrongType);
  EXPECT_EQ(decode_job_specs(bytes + '\x01').error().code, ErrorCode::kTrailingBytes);
  EXPECT_EQ(decode_job_specs(std::string("\x91\x80", 2)).error().code, ErrorCode::kMissingField)
      << "a spec without a type";
  JobSpec chained{"a", Payload(), 0, 0};
  step.then = {step};
  chained.then = {step};
  EXPECT_EQ(decode_job_specs(encode_job_specs({chained})).error().code, ErrorCode::kInvalid)
      << "a chain step with a chain of its own";
  EXPECT_EQ(decode_job_specs(encode_job_specs(std::vector<JobSpec>(kMaxFollowUps + 1, step)))
                .error()
                .code,
            ErrorCode::kTooLarge);
}

// Found by fuzz/journal_row_fuzzer.cpp (fuzz/regressions/journal_row/): a journal row's payload
// nested as deep as the limit allows alone was restored, and then no worker could take it
// inside a jobs message, where three more levels count.
TEST(Protocol, APayloadIsHeldToTheDepthItHasInsideAJobsMessage) {
  DecodeLimits limits;
  limits.max_depth = 8;
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '\x91') + '\x01';
  };
  EXPECT_EQ(decode_payload(nested(6), limits).error().code, ErrorCode::kTooLarge);
  const auto deepest = decode_payload(nested(5), limits);
  ASSERT_TRUE(deepest.ok());
  const Job job{"a-1", "echo", deepest.value(), 1, 1, 1000, 0};
  const auto batch = decode(encode(JobBatch{{job, job}}), limits);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(std::get<JobBatch>(batch.value()).jobs.front().payload, deepest.value());
}

}  // namespace
}  // namespace zpipe
