// Writes the fuzz targets' seed corpus, fuzz/corpus/<target>/: one valid input of every kind
// each target reads, made with the real encoders, plus a few edge cases; and their
// dictionaries, fuzz/dictionaries/<target>.dict: tokens libFuzzer splices into inputs, as they
// are encoded (field names, message kinds, numbers at the edges of their types), which random
// mutation would rarely assemble byte by byte. Run from the repository after changing the
// protocol or an input format:
//   build/fuzz/bin/zpipe-fuzz-make-corpus fuzz
// Files are named for what they hold and written the same way each run, so an unchanged corpus
// shows no diff.
#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "fuzz/journal_row_input.hpp"
#include "fuzz/timed_messages.hpp"

namespace zpipe {
namespace {

using Seeds = std::vector<std::pair<std::string, std::string>>;  // file name, contents

template <class T>
std::string packed(const T& value) {
  msgpack::sbuffer buffer;
  msgpack::pack(buffer, value);
  return std::string(buffer.data(), buffer.size());
}

Payload json_payload(const char* text) { return Payload::parse_json(text).value(); }

Outcome failed_outcome() {
  Outcome o;
  o.id = "0190a2b3-7";
  o.type = "exec";
  o.attempt = 2;
  o.max_attempts = 3;
  o.status = OutcomeStatus::kFailed;
  o.error_code = "exec_failed";
  o.error = "exited with status 3";
  o.result = json_payload(R"({"exit_status":3,"stdout":"","stderr":"no such file\n"})");
  o.worker = "build-host:4242";
  o.created_ms = 1700000000000;
  o.started_ms = 1700000000100;
  o.finished_ms = 1700000000350;
  o.run_us = 250123;
  o.cpu_us = 1200;  // measured: an isolated job
  o.max_rss_kb = 5120;
  return o;
}

// A job spec with every workflow field: a batch, a chain of two steps, an on_failure job.
JobSpec workflow_spec() {
  JobSpec spec{"fetch", json_payload(R"({"url":"https://example.org"})"), 0, 0};
  spec.batch = "0190a2b3-b1";
  spec.then = {JobSpec{"parse", json_payload(R"({"strict":true})"), 0, 0},
               JobSpec{"store", Payload(), 0, 2}};
  spec.on_failure = {JobSpec{"alert", json_payload(R"({"to":"ops"})"), 0, 0}};
  return spec;
}

Job workflow_job() {
  Job job{"0190a2b3-1.s1", "parse",      json_payload(R"({"previous_result":1})"), 1, 3,
          60000,           1700000000000};
  job.parent = "0190a2b3-1";
  job.batch = "0190a2b3-b1";
  job.then = {JobSpec{"store", Payload(), 0, 2}};
  return job;
}

Outcome outcome_with_follow_ups() {
  Outcome outcome = failed_outcome();
  outcome.status = OutcomeStatus::kSucceeded;
  outcome.parent = "0190a2b3-1";
  outcome.batch = "0190a2b3-b1";
  outcome.then = {JobSpec{"store", Payload(), 0, 2}};
  outcome.follow_ups = {JobSpec{"echo", json_payload(R"({"i":1})"), 0, 0}, workflow_spec()};
  return outcome;
}

Ack ack_with_follow_ups() {
  Ack ack{"0190a2b3-1", OutcomeStatus::kSucceeded, true, 1, true};
  ack.follow_ups = {JobSpec{"echo", Payload(), 0, 0}};
  ack.next = JobSpec{"parse", json_payload(R"({"previous_result":[1,2]})"), 0, 0};
  return ack;
}

Event event(std::string name, std::string source, std::uint64_t seq,
            std::map<std::string, std::string> fields) {
  return Event{std::move(name), std::move(source), seq, 1700000000000 + seq * 1000,
               std::move(fields)};
}

Seeds protocol_seeds() {
  Outcome succeeded;
  succeeded.id = "0190a2b3-1";
  succeeded.type = "echo";
  succeeded.result = json_payload(R"({"msg":"hi"})");
  succeeded.worker = "host:1";
  succeeded.created_ms = 1;
  succeeded.started_ms = 2;
  succeeded.finished_ms = 3;
  succeeded.run_us = 900;
  return {
      {"submit",
       encode(SubmitRequest{1, {JobSpec{"echo", json_payload(R"({"msg":"hi"})"), 0, 0}}})},
      {"submit_batch",
       encode(SubmitRequest{
           2,
           {JobSpec{"thumbnail", json_payload(R"({"in":"a.jpg","size":256})"), 30000, 5},
            JobSpec{"exec", json_payload(R"({"argv":["ls","-l"],"x":1.5})"), 0, 1},
            JobSpec{"sleep", Payload(), 0, 0}}})},
      {"submit_empty", encode(SubmitRequest{3, {}})},
      {"accepted", encode(SubmitAccepted{2, {"0190a2b3-1", "0190a2b3-2"}})},
      {"refused", encode(SubmitRefused{2, "busy", "the backlog is full"})},
      {"status_request", encode(StatusRequest{4})},
      {"status", encode(StatusReply{4, PipelineCounts{100, 10, 4, 2, 80, 6, 1}, {}})},
      {"job", encode(Job{"0190a2b3-1", "echo", json_payload(R"({"msg":"hi"})"), 1, 3, 60000,
                         1700000000000})},
      {"job_nil_payload", encode(Job{"0190a2b3-2", "sleep", Payload(), 2, 2, 1, 0})},
      {"jobs", encode(JobBatch{{Job{"0190a2b3-1", "echo", json_payload(R"({"msg":"hi"})"), 1, 3,
                                    60000, 1700000000000},
                                Job{"0190a2b3-2", "sleep", Payload(), 2, 2, 1, 0}}})},
      {"ready", encode(Credit{6, false, "host:1", 2})},
      {"ready_reset", encode(Credit{0, true, "", 0})},
      {"ready_routing", encode(Credit{0,
                                      true,
                                      "host:1",
                                      2,
                                      14,
                                      true,
                                      {"echo", "thumbnail"},
                                      {"critical", "default"},
                                      {6, 1}})},
      {"submit_job_model",
       encode(SubmitRequest{
           5, {JobSpec{"email", Payload(), 0, 0, "mail", -5, 1798135200000, "contact-42"}}})},
      {"cancel", encode(CancelRequest{6, {"0190a2b3-1"}, "alice@web1"})},
      {"cancel_jobs", encode(CancelJobs{{{"0190a2b3-1", 1}}, "alice@web1"})},
      {"queue_control", encode(QueueControl{7, "mail", true})},
      {"limit_control", encode(LimitControl{8, false, "api=10/s"})},
      {"scheduled_request", encode(ScheduledRequest{9, 100})},
      {"schedule_control", encode(ScheduleControl{10, ScheduleControl::Action::kAdd,
                                                  RecurringJob{"nightly", 0, "0 3 * * *",
                                                               JobSpec{"echo", Payload(), 0, 0}}})},
      {"heartbeat", encode(Heartbeat{1000, false, "host:1"})},
      {"heartbeat_resync", encode(Heartbeat{0, true, ""})},
      {"release",
       encode(Release{{{"0190a2b3-1", 1}, {"0190a2b3-2", 2}}, "the worker is stopping"})},
      {"outcome_succeeded", encode(succeeded)},
      {"outcome_failed", encode(failed_outcome())},
      {"outcomes", encode(OutcomeBatch{{succeeded, failed_outcome()}})},
      {"ack", encode(AckBatch{{Ack{"0190a2b3-1", OutcomeStatus::kSucceeded, false, 1, true},
                               Ack{"0190a2b3-7", OutcomeStatus::kFailed, true, 2, false},
                               Ack{"0190a2b3-8", OutcomeStatus::kFailed, false, 1, false}}})},
      {"ack_lagging",
       encode(AckBatch{{Ack{"0190a2b3-9", OutcomeStatus::kSucceeded, false, 1, true}}, 9500})},
      {"event", encode(event("job.failed", "worker host:1", 7,
                             {{"job", "0190a2b3-7"}, {"type", "exec"}, {"error", "boom"}}))},
      {"event_no_fields", encode(event("worker.down", "worker host:1", 8, {}))},
      {"retry_ids",
       encode(DeadJobsRequest{5, DeadJobsRequest::Action::kRetry, {{"0190a2b3-7"}, false, ""}})},
      {"discard_all_of_type",
       encode(DeadJobsRequest{6, DeadJobsRequest::Action::kDiscard, {{}, true, "exec"}})},
      {"submit_for_a_pipeline",
       encode(SubmitRequest{7, {JobSpec{"echo", Payload(), 0, 0}}, "5f3a9c2e81d0b7a4"})},
      {"query", encode(JobsQuery{8, {"0190a2b3-1", "0190a2b3-7"}})},
      {"states",
       encode(JobStates{8,
                        {JobStatus{"0190a2b3-1", JobState::kRetrying, 2, 3, "", 1700000000000},
                         JobStatus{"0190a2b3-7", JobState::kDead, 3, 3, "", 0, "invalid", "bad"}},
                        "5f3a9c2e81d0b7a4"})},
      {"submit_workflow", encode(SubmitRequest{11, {workflow_spec()}})},
      {"jobs_in_a_workflow", encode(JobBatch{{workflow_job()}})},
      {"outcome_with_follow_ups", encode(OutcomeBatch{{outcome_with_follow_ups()}})},
      {"ack_with_follow_ups", encode(AckBatch{{ack_with_follow_ups()}})},
      {"batch_open", encode(BatchOpen{12, "nightly", JobSpec{"report", Payload(), 0, 0},
                                      JobSpec{"echo", json_payload(R"({"ok":1})"), 0, 0}})},
      {"batch_seal", encode(BatchSeal{13, "0190a2b3-b1"})},
      {"batches_request", encode(BatchesRequest{14, {"0190a2b3-b1"}, 100})},
      {"batches", encode(BatchesReply{14,
                                      {BatchSummary{.id = "0190a2b3-b1",
                                                    .sealed = true,
                                                    .total = 3,
                                                    .succeeded = 2,
                                                    .dead = 1,
                                                    .dead_ids = {"0190a2b3-7"}},
                                       BatchSummary{.id = "0190a2b3-b9", .known = false}}})},
      {"worker_control", encode(WorkerControl{15, "thumbs-1", WorkerAction::kPause, "alice@web1",
                                              "5f3a9c2e81d0b7a4"})},
      {"worker_control_reply",
       encode(WorkerControlReply{15, "thumbs-1", "host:1", WorkerAction::kStop})},
      {"control", encode(ControlWorker{WorkerAction::kResume, "alice@web1"})},
      {"run_now", encode(RunNowRequest{16, {"0190a2b3-1", "0190a2b3-7"}})},
      {"run_now_reply", encode(RunNowReply{16,
                                           {RunNowJob{"0190a2b3-1", RunNowResult::kDue},
                                            RunNowJob{"0190a2b3-7", RunNowResult::kOver}}})},
  };
}

Seeds payload_seeds() {
  return {
      {"nil", packed(msgpack::type::nil_t())},
      {"true", packed(true)},
      {"negative", packed(std::int64_t{-42})},
      {"uint64_max", packed(std::numeric_limits<std::uint64_t>::max())},
      {"float", packed(1.5)},
      {"float32", packed(0.1f)},
      {"string", packed(std::string("h\xc3\xa9llo \xf0\x9f\x98\x80"))},
      {"string_not_utf8", packed(std::string("\xff\xfe bad"))},
      {"binary", packed(std::vector<char>{'\x00', '\x01', '\xff'})},
      {"nested", json_payload(R"({"a":[1,{"b":[true,null,"x"]}],"c":{"d":-1.25}})").msgpack()},
      {"map_int_key", packed(std::map<int, int>{{1, 2}})},
      {"exec_result", json_payload(R"({"exit_status":0,"stdout":"ok\n","stderr":""})").msgpack()},
  };
}

Seeds store_json_seeds() {
  return {
      {"object", R"({"msg":"hi","n":3})"},
      {"exec_result", R"({"exit_status":3,"stderr":"no such file\n","stdout":""})"},
      {"array", R"([1,-2,2.5,"x",true,null])"},
      {"string_escapes", R"("tab\t quote\" \u00e9 \ud83d\ude00")"},
      {"numbers", R"([1e300,-0,18446744073709551615,-9223372036854775808,0.1])"},
      {"nested", R"({"a":{"b":{"c":[[[]]]}}})"},
      {"null", "null"},
      {"described", R"("<msgpack 3 bytes>")"},
  };
}

Seeds journal_seeds() {
  JournalRow fresh;
  fresh.row = 1;
  fresh.id = "0190a2b3-1";
  fresh.type = "echo";
  fresh.payload = json_payload(R"({"msg":"hi"})").msgpack();
  fresh.attempt = 1;
  fresh.max_attempts = 3;
  fresh.attempts_per_round = 3;
  fresh.timeout_ms = 60000;
  fresh.created_ms = 1700000000000;
  auto retrying = fresh;
  retrying.row = 2;
  retrying.attempt = 2;
  retrying.due_ms = 1700000005000;
  auto revived = fresh;
  revived.row = 3;
  revived.attempt = 4;
  revived.max_attempts = 6;
  revived.type = "exec";
  revived.payload = json_payload(R"({"argv":["ls","-l"]})").msgpack();
  auto nil_payload = fresh;
  nil_payload.payload = Payload().msgpack();
  auto no_type = fresh;
  no_type.type.clear();
  auto bad_payload = fresh;
  bad_payload.payload = "\x92\x01";  // an array of two with one element: cut short
  return {
      {"fresh", fuzz::write_journal_row(fresh)},
      {"retrying", fuzz::write_journal_row(retrying)},
      {"revived", fuzz::write_journal_row(revived)},
      {"nil_payload", fuzz::write_journal_row(nil_payload)},
      {"no_type", fuzz::write_journal_row(no_type)},
      {"cut_payload", fuzz::write_journal_row(bad_payload)},
  };
}

// Events as the components publish them (worker/worker.cpp, ventilator/ventilator.cpp).
std::string worker_life() {
  const std::string w = "worker host:1";
  const std::vector<std::string> encoded = {
      encode(event("worker.up", w, 1, {{"slots", "2"}, {"handles", "echo,exec"}})),
      encode(event("ventilator.state", "ventilator host:9", 1,
                   {{"accepted", "10"},
                    {"pending", "8"},
                    {"in_flight", "2"},
                    {"retrying", "0"},
                    {"succeeded", "0"},
                    {"failed", "0"},
                    {"dead", "0"},
                    {"accepted_per_s", "10"}})),
      encode(event("job.started", w, 2, {{"job", "j-1"}, {"type", "echo"}, {"attempt", "1"}})),
      encode(event("worker.heartbeat", w, 3,
                   {{"state", "busy"},
                    {"busy", "1"},
                    {"slots", "2"},
                    {"busy_pct", "50"},
                    {"succeeded", "0"},
                    {"failed", "0"},
                    {"interval_ms", "1000"},
                    {"job", "j-1"},
                    {"job_type", "echo"},
                    {"job_started_ms", "1700000001500"}})),
      encode(event(
          "job.succeeded", w, 4,
          {{"job", "j-1"}, {"type", "echo"}, {"attempt", "1"}, {"ms", "12"}, {"us", "12345"}})),
      encode(event("job.started", w, 5, {{"job", "j-2"}, {"type", "exec"}, {"attempt", "1"}})),
      encode(event("job.failed", w, 6,
                   {{"job", "j-2"},
                    {"type", "exec"},
                    {"attempt", "1"},
                    {"ms", "3"},
                    {"us", "3100"},
                    {"code", "exec_failed"},
                    {"error", "exited with status 3"}})),
      encode(event("ventilator.state", "ventilator host:9", 2,
                   {{"accepted", "10"},
                    {"pending", "6"},
                    {"in_flight", "2"},
                    {"retrying", "1"},
                    {"succeeded", "1"},
                    {"failed", "1"},
                    {"dead", "0"},
                    {"accepted_per_s", "0"}})),
      encode(event("worker.down", w, 9,  // seq 7 and 8 missed
                   {{"succeeded", "1"},
                    {"failed", "1"},
                    {"released", "0"},
                    {"abandoned", "0"},
                    {"unsent", "0"}})),
  };
  std::vector<fuzz::TimedMessage> messages;
  for (const auto& bytes : encoded) messages.push_back({std::chrono::milliseconds(500), bytes});
  return fuzz::write_timed_messages(messages);
}

std::string vanishing_worker() {
  const std::string w = "worker host:2";
  const auto up = encode(event("worker.up", w, 1, {{"slots", "1"}, {"handles", "sleep"}}));
  const auto heartbeat = encode(event("worker.heartbeat", w, 2,
                                      {{"state", "busy"},
                                       {"slots", "1"},
                                       {"busy_pct", "100"},
                                       {"interval_ms", "200"},
                                       {"job", "j-9"},
                                       {"job_type", "sleep"}}));
  const auto started = encode(event("job.started", w, 3, {{"job", "j-9"}, {"type", "sleep"}}));
  const auto later = encode(event("input.refused", "ventilator host:9", 1, {{"socket", "jobs"}}));
  return fuzz::write_timed_messages({{std::chrono::milliseconds(0), up},
                                     {std::chrono::milliseconds(100), heartbeat},
                                     {std::chrono::milliseconds(100), started},
                                     {std::chrono::milliseconds(2000), later}});
}

// Numbers a peer may send in its fields (any text is allowed): the largest of each type the
// consumers read them into, and negative ones.
std::string extreme_numbers(const std::string& number) {
  const std::string w = "worker host:3";
  const std::map<std::string, std::string> counts = {
      {"accepted", number},  {"pending", number}, {"in_flight", number}, {"retrying", number},
      {"succeeded", number}, {"failed", number},  {"dead", number}};
  const auto first_state = encode(event("ventilator.state", "ventilator host:9", 1, counts));
  const auto up = encode(event("worker.up", w, 1, {{"slots", number}, {"handles", "echo"}}));
  const auto started = encode(event("job.started", w, 2, {{"job", "j-1"}, {"type", "echo"}}));
  const auto heartbeat = encode(event("worker.heartbeat", w, 3,
                                      {{"state", "busy"},
                                       {"slots", number},
                                       {"busy_pct", number},
                                       {"succeeded", number},
                                       {"failed", number},
                                       {"interval_ms", number},
                                       {"job", "j-1"},
                                       {"job_started_ms", number}}));
  const auto finished = encode(event(
      "job.succeeded", w, 4, {{"job", "j-1"}, {"type", "echo"}, {"ms", number}, {"us", number}}));
  auto later_counts = counts;
  later_counts["succeeded"] = "1";
  const auto second_state = encode(event("ventilator.state", "ventilator host:9", 2, later_counts));
  return fuzz::write_timed_messages({{std::chrono::milliseconds(0), first_state},
                                     {std::chrono::milliseconds(100), up},
                                     {std::chrono::milliseconds(100), started},
                                     {std::chrono::milliseconds(100), heartbeat},
                                     {std::chrono::milliseconds(100), finished},
                                     {std::chrono::milliseconds(1000), second_state},
                                     {std::chrono::milliseconds(5000), first_state}});
}

Seeds event_seeds() {
  return {{"worker_life", worker_life()},
          {"vanishing_worker", vanishing_worker()},
          {"numbers_uint64_max", extreme_numbers("18446744073709551615")},
          {"numbers_int64_max", extreme_numbers("9223372036854775807")},
          {"numbers_uint32_max_plus_1", extreme_numbers("4294967296")},
          {"numbers_negative", extreme_numbers("-2")}};
}

using Tokens = std::vector<std::string>;

// A msgpack float64 or float32 as it is written: msgpack-c would pack an integral value as an
// integer (and cannot pack 2^64 at all, see payload_of() in common/protocol.cpp).
std::string float64(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  std::string out(1, static_cast<char>(0xcb));
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((bits >> shift) & 0xff);
  return out;
}

std::string float32(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  std::string out(1, static_cast<char>(0xca));
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((bits >> shift) & 0xff);
  return out;
}

// msgpack values at the edges of their types, and headers that claim more than follows.
Tokens msgpack_edges() {
  const double two_to_64 = 18446744073709551616.0;
  return {
      float64(two_to_64),
      float32(static_cast<float>(two_to_64)),
      float64(9223372036854775808.0),
      float64(-9223372036854775808.0),
      float64(std::numeric_limits<double>::quiet_NaN()),
      float64(std::numeric_limits<double>::infinity()),
      float64(-0.0),
      float64(1.0),
      packed(std::numeric_limits<std::uint64_t>::max()),
      packed(std::numeric_limits<std::int64_t>::min()),
      packed(std::uint64_t{1} << 32),
      std::string("\xdd\xff\xff\xff\xff", 5),  // array of 2^32-1 elements
      std::string("\xdf\xff\xff\xff\xff", 5),  // map of 2^32-1 entries
      std::string("\xdb\xff\xff\xff\xff", 5),  // string of 2^32-1 bytes
      std::string("\xd4\x01\x00", 3),          // an ext value
  };
}

Tokens protocol_tokens() {
  Tokens tokens = msgpack_edges();
  for (const char* word : {"v",
                           "k",
                           "req",
                           "jobs",
                           "ids",
                           "type",
                           "payload",
                           "timeout_ms",
                           "max_attempts",
                           "id",
                           "attempt",
                           "created_ms",
                           "status",
                           "error_code",
                           "error",
                           "result",
                           "worker",
                           "started_ms",
                           "finished_ms",
                           "run_us",
                           "cpu_us",
                           "max_rss_kb",
                           "acks",
                           "duplicate",
                           "final",
                           "heartbeat",
                           "name",
                           "source",
                           "seq",
                           "time_ms",
                           "fields",
                           "all_dead",
                           "submit",
                           "accepted",
                           "refused",
                           "status_request",
                           "job",
                           "outcome",
                           "ack",
                           "event",
                           "retry",
                           "discard",
                           "succeeded",
                           "failed",
                           "code",
                           "message",
                           "ready",
                           "credit",
                           "reset",
                           "outcomes",
                           "release",
                           "interval_ms",
                           "resync",
                           "reason",
                           "window",
                           "lag_ms",
                           "then",
                           "on_failure",
                           "batch",
                           "parent",
                           "follow_ups",
                           "next",
                           "description",
                           "on_complete",
                           "on_success",
                           "sealed",
                           "dead_ids",
                           "known",
                           "batch_open",
                           "batch_seal",
                           "batches",
                           "batches_request",
                           "on_complete_id",
                           "worker_control",
                           "worker_control_reply",
                           "control",
                           "run_now",
                           "run_now_reply"}) {
    tokens.push_back(packed(std::string(word)));
  }
  return tokens;
}

// Event names and fields that the event consumers read, and numbers as text at the edges of
// the types they are read into.
Tokens event_tokens() {
  Tokens tokens;
  for (const char* word : {"worker.up",
                           "worker.heartbeat",
                           "worker.down",
                           "ventilator.state",
                           "job.started",
                           "job.succeeded",
                           "job.failed",
                           "job.released",
                           "interval_ms",
                           "slots",
                           "recording_lag_ms",
                           "busy_pct",
                           "state",
                           "job",
                           "job_type",
                           "job_started_ms",
                           "succeeded",
                           "failed",
                           "accepted",
                           "pending",
                           "in_flight",
                           "retrying",
                           "dead",
                           "ms",
                           "us",
                           "18446744073709551615",
                           "18446744073709551616",
                           "9223372036854775807",
                           "9223372036854775808",
                           "4294967296",
                           "2147483648",
                           "-1",
                           "0",
                           "1e400",
                           " 7"}) {
    tokens.push_back(packed(std::string(word)));
  }
  return tokens;
}

// Column values at the edges (8 bytes, little-endian as in journal_row_input.hpp), and payloads.
Tokens journal_tokens() {
  Tokens tokens = msgpack_edges();
  for (const std::int64_t number :
       {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
        std::int64_t{-1}, std::int64_t{1} << 32, std::int64_t{(std::int64_t{1} << 32) - 1},
        static_cast<std::int64_t>(DecodeLimits{}.max_timeout_ms + 1)}) {
    std::string bytes;
    for (std::size_t i = 0; i < 8; ++i) {
      bytes += static_cast<char>((static_cast<std::uint64_t>(number) >> (8 * i)) & 0xff);
    }
    tokens.push_back(bytes);
  }
  return tokens;
}

void write_dictionary(const std::filesystem::path& file, const Tokens& tokens) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::trunc);
  out << "# Written by fuzz/make_corpus.cpp; libFuzzer dictionary (-dict=)\n";
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    out << "token" << i << "=\"";
    for (const char c : tokens[i]) {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto byte = static_cast<unsigned char>(c);
      out << "\\x" << kHex[byte >> 4] << kHex[byte & 0xf];
    }
    out << "\"\n";
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void write(const std::filesystem::path& dir, const Seeds& seeds) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, contents] : seeds) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
  }
}

}  // namespace
}  // namespace zpipe

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: zpipe-fuzz-make-corpus DIR   (the repository's fuzz/)\n";
    return 2;
  }
  try {
    using namespace zpipe;
    const std::filesystem::path corpus = std::filesystem::path(argv[1]) / "corpus";
    const std::filesystem::path dictionaries = std::filesystem::path(argv[1]) / "dictionaries";
    write(corpus / "protocol_decode", protocol_seeds());
    write(corpus / "payload_json", payload_seeds());
    write(corpus / "store_json", store_json_seeds());
    write(corpus / "journal_row", journal_seeds());
    write(corpus / "pipeline_view", event_seeds());
    write_dictionary(dictionaries / "protocol_decode.dict", protocol_tokens());
    write_dictionary(dictionaries / "payload_json.dict", msgpack_edges());
    write_dictionary(dictionaries / "journal_row.dict", journal_tokens());
    write_dictionary(dictionaries / "pipeline_view.dict", event_tokens());
  } catch (const std::exception& e) {
    std::cerr << "zpipe-fuzz-make-corpus: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
