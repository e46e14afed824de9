#include "front/job_spec_parser.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

// 2026-12-04T08:00:00Z: the moment "now" of these tests.
constexpr std::uint64_t kNow = 1'796'371'200'000;

TEST(JobSpecParser, ArgsBecomePayloadFieldsParsedAsJsonWhenTheyCan) {
  SubmitArguments a;
  a.type = "echo";
  a.args = {"name=bob", "n=3", "flags=[1,2]", "text=a=b"};
  auto spec = job_spec_from_arguments(a, kNow);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec.value().payload.to_json(),
            (nlohmann::json{{"name", "bob"}, {"n", 3}, {"flags", {1, 2}}, {"text", "a=b"}}));
}

TEST(JobSpecParser, CommandLineBecomesArgv) {
  SubmitArguments a;
  a.type = "exec";
  a.argv = {"ls", "-l"};
  a.timeout_s = 1.5;
  a.max_attempts = 2;
  auto spec = job_spec_from_arguments(a, kNow);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec.value().payload.to_json()["argv"], (nlohmann::json{"ls", "-l"}));
  EXPECT_EQ(spec.value().timeout_ms, 1500u);
  EXPECT_EQ(spec.value().max_attempts, 2u);
}

TEST(JobSpecParser, RefusesBadArguments) {
  SubmitArguments a;
  a.type = "echo";
  a.payload_json = "{not json";
  EXPECT_FALSE(job_spec_from_arguments(a, kNow).ok());
  a.payload_json = "[1]";
  a.args = {"k=v"};
  EXPECT_FALSE(job_spec_from_arguments(a, kNow).ok());
  a.payload_json.clear();
  a.args = {"novalue"};
  EXPECT_FALSE(job_spec_from_arguments(a, kNow).ok());
  a.args.clear();
  a.timeout_s = -1;
  EXPECT_FALSE(job_spec_from_arguments(a, kNow).ok());
}

TEST(JobSpecParser, ABuiltInTypesPayloadItsWorkerWouldRefuseIsRefusedAtSubmit) {
  SubmitArguments a;
  a.type = "sleep";
  a.args = {"ms=abc"};
  auto spec = job_spec_from_arguments(a, kNow);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code, ErrorCode::kInvalid);
  EXPECT_NE(spec.error().message.find("sleep needs a payload {\"ms\": N}"), std::string::npos)
      << spec.error().message;
  a.args = {"ms=250"};
  EXPECT_TRUE(job_spec_from_arguments(a, kNow).ok());
  a.type = "exec";
  a.args.clear();
  EXPECT_FALSE(job_spec_from_arguments(a, kNow).ok()) << "exec without a command";
  a.argv = {"true"};
  EXPECT_TRUE(job_spec_from_arguments(a, kNow).ok());
  // A custom type's payload is its worker's business.
  a.type = "resize";
  a.argv.clear();
  a.args = {"ms=abc"};
  EXPECT_TRUE(job_spec_from_arguments(a, kNow).ok());

  std::istringstream lines(
      "{\"type\": \"sleep\", \"payload\": {\"ms\": 5}}\n"
      "{\"type\": \"sleep\", \"payload\": {\"ms\": -5}}\n");
  const auto from_lines = job_specs_from_json_lines(lines, kNow);
  ASSERT_FALSE(from_lines.ok());
  EXPECT_EQ(from_lines.error().message.rfind("line 2: sleep needs", 0), 0u)
      << from_lines.error().message;
}

TEST(JobSpecParser, ReadsJsonLines) {
  std::istringstream in(R"({"type":"echo","payload":{"x":1}}

{"type":"sleep","payload":{"ms":5},"timeout":2,"max_attempts":3}
{"type":"exec","payload":["true"],"timeout_ms":700}
)");
  auto specs = job_specs_from_json_lines(in, kNow);
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  ASSERT_EQ(specs.value().size(), 3u);
  EXPECT_EQ(specs.value()[0].payload.to_json()["x"], 1);
  EXPECT_EQ(specs.value()[1].timeout_ms, 2000u);
  EXPECT_EQ(specs.value()[1].max_attempts, 3u);
  EXPECT_EQ(specs.value()[2].timeout_ms, 700u);
}

TEST(JobSpecParser, AnUnknownKeyIsAnErrorWithTheLineAndTheNearestKey) {
  std::istringstream misspelt("{\"type\":\"echo\"}\n{\"type\":\"sleep\",\"timout\":1}\n");
  auto specs = job_specs_from_json_lines(misspelt, kNow);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.rfind("line 2: unknown key \"timout\" (did you mean "
                                        "\"timeout\"?)",
                                        0),
            0u)
      << specs.error().message;

  std::istringstream unrelated("{\"type\":\"echo\",\"colour\":\"red\"}\n");
  specs = job_specs_from_json_lines(unrelated, kNow);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.find("did you mean"), std::string::npos) << specs.error().message;
  EXPECT_NE(specs.error().message.find("unknown key \"colour\""), std::string::npos);

  std::istringstream both("{\"type\":\"echo\",\"timeout\":1,\"timeout_ms\":5}\n");
  specs = job_specs_from_json_lines(both, kNow);
  ASSERT_FALSE(specs.ok());
  EXPECT_NE(specs.error().message.find("not both"), std::string::npos) << specs.error().message;
}

TEST(JobSpecParser, NamesTheFirstBadLine) {
  std::istringstream in("{\"type\":\"echo\"}\n{\"payload\":1}\n");
  auto specs = job_specs_from_json_lines(in, kNow);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.rfind("line 2:", 0), 0u) << specs.error().message;
}

TEST(JobSpecParser, QueuePriorityAndUniqueKeyFlagsGoIntoTheSpec) {
  SubmitArguments a;
  a.type = "echo";
  a.queue = "mail";
  a.priority = -5;
  a.unique_key = "contact-form-42";
  auto spec = job_spec_from_arguments(a, kNow);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec.value().queue, "mail");
  EXPECT_EQ(spec.value().priority, -5);
  EXPECT_EQ(spec.value().unique_key, "contact-form-42");
  EXPECT_EQ(spec.value().run_at_ms, 0u) << "no --in or --at: at once";
}

TEST(JobSpecParser, InCountsFromNowInAnyUnit) {
  SubmitArguments a;
  a.type = "echo";
  const std::pair<const char*, std::uint64_t> delays[] = {
      {"500ms", 500}, {"90s", 90'000}, {"5m", 300'000}, {"2h", 7'200'000}, {"1d", 86'400'000}};
  for (const auto& [text, ms] : delays) {
    a.in = text;
    auto spec = job_spec_from_arguments(a, kNow);
    ASSERT_TRUE(spec.ok()) << text << ": " << spec.error().message;
    EXPECT_EQ(spec.value().run_at_ms, kNow + ms) << text;
  }
}

TEST(JobSpecParser, AtTakesRfc3339OrUnixSecondsAndAMomentPast) {
  SubmitArguments a;
  a.type = "echo";
  a.at = "2026-12-24T18:00:00Z";
  EXPECT_EQ(job_spec_from_arguments(a, kNow).value().run_at_ms, 1'798'135'200'000u);
  a.at = "2026-12-24T19:00:00+01:00";
  EXPECT_EQ(job_spec_from_arguments(a, kNow).value().run_at_ms, 1'798'135'200'000u);
  a.at = "1798135200";
  EXPECT_EQ(job_spec_from_arguments(a, kNow).value().run_at_ms, 1'798'135'200'000u);
  a.at = "2020-01-01T00:00:00Z";  // past: runs at once, which is no error
  EXPECT_EQ(job_spec_from_arguments(a, kNow).value().run_at_ms, 1'577'836'800'000u);
}

TEST(JobSpecParser, RefusesBadTimingQueueAndKeyFlagsNamingTheFlag) {
  const auto refusal = [](SubmitArguments a) {
    a.type = "echo";
    auto spec = job_spec_from_arguments(a, kNow);
    EXPECT_FALSE(spec.ok());
    if (spec.ok()) return std::string();
    EXPECT_EQ(spec.error().code, ErrorCode::kInvalid);
    return spec.error().message;
  };
  SubmitArguments both;
  both.in = "90s";
  both.at = "2026-12-24T18:00:00Z";
  EXPECT_EQ(refusal(both), "give --in or --at, not both");
  for (const char* in : {"90", "1.5s", "0s", "-5s", "soon", "0ms", "5 m"}) {
    SubmitArguments a;
    a.in = in;
    const auto message = refusal(a);
    EXPECT_EQ(message.rfind("--in: '" + std::string(in) + "' is not a delay", 0), 0u) << message;
    EXPECT_NE(message.find("such as 500ms, 90s, 5m, 2h or 1d"), std::string::npos) << message;
  }
  for (const char* at : {"tomorrow", "2026-12-24T18:00:00", "2026-02-30T00:00:00Z"}) {
    SubmitArguments a;
    a.at = at;
    const auto message = refusal(a);
    EXPECT_EQ(message.rfind("--at: ", 0), 0u) << message;
    EXPECT_NE(message.find(at), std::string::npos) << message;
  }
  for (const char* queue : {"", "two words", "a,b", "queue:x", "tab\there"}) {
    SubmitArguments a;
    a.queue = queue;
    EXPECT_EQ(refusal(a).rfind("--queue: ", 0), 0u) << queue;
  }
  SubmitArguments long_queue;
  long_queue.queue = std::string(201, 'q');
  EXPECT_EQ(refusal(long_queue), "--queue: the queue name is longer than 200 bytes");
  SubmitArguments empty_key;
  empty_key.unique_key = "";
  EXPECT_EQ(refusal(empty_key), "--unique-key: the unique key must not be empty");
}

TEST(JobSpecParser, JsonLinesTakeQueuePriorityDelayRunAtAndUniqueKey) {
  std::istringstream in(
      R"({"type": "echo", "queue": "mail", "priority": 3, "delay": 90, "unique_key": "k-1"})"
      "\n"
      R"({"type": "echo", "delay": 0.25})"
      "\n"
      R"({"type": "echo", "run_at": "2026-12-24T18:00:00Z", "priority": -2147483648})"
      "\n"
      R"({"type": "echo", "run_at": 1798135200})"
      "\n"
      R"({"type": "echo", "run_at": 1798135200.5})"
      "\n"
      R"({"type": "echo", "delay": 0})"
      "\n");
  auto specs = job_specs_from_json_lines(in, kNow);
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  ASSERT_EQ(specs.value().size(), 6u);
  const auto& first = specs.value()[0];
  EXPECT_EQ(first.queue, "mail");
  EXPECT_EQ(first.priority, 3);
  EXPECT_EQ(first.run_at_ms, kNow + 90'000);
  EXPECT_EQ(first.unique_key, "k-1");
  EXPECT_EQ(specs.value()[1].run_at_ms, kNow + 250);
  EXPECT_EQ(specs.value()[2].run_at_ms, 1'798'135'200'000u);
  EXPECT_EQ(specs.value()[2].priority, INT32_MIN);
  EXPECT_EQ(specs.value()[2].queue, "") << "no queue: the ventilator's default";
  EXPECT_EQ(specs.value()[3].run_at_ms, 1'798'135'200'000u);
  EXPECT_EQ(specs.value()[4].run_at_ms, 1'798'135'200'500u);
  EXPECT_EQ(specs.value()[5].run_at_ms, 0u) << "a delay of 0 runs at once";
}

TEST(JobSpecParser, JsonLinesWithBadNewFieldsAreRefusedNamingLineAndField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"type": "echo", "queue": 5})", "line 2: \"queue\" must be a string"},
      {R"({"type": "echo", "queue": "a b"})", "line 2: the queue name \"a b\" may not hold"},
      {R"({"type": "echo", "priority": 1.5})", "line 2: \"priority\" must be a whole number"},
      {R"({"type": "echo", "priority": 2147483648})",
       "line 2: \"priority\" must be a whole number"},
      {R"({"type": "echo", "delay": "90s"})", "line 2: \"delay\" must be a number of seconds"},
      {R"({"type": "echo", "delay": -1})", "line 2: \"delay\" must be a number of seconds"},
      {R"({"type": "echo", "delay": 5, "run_at": 1798135200})",
       "line 2: give \"delay\" (seconds) or \"run_at\", not both"},
      {R"({"type": "echo", "run_at": "next tuesday"})", "line 2: "},
      {R"({"type": "echo", "run_at": -5})", "line 2: \"run_at\" in Unix seconds must be from 0"},
      {R"({"type": "echo", "run_at": true})", "line 2: \"run_at\" must be an RFC 3339 time"},
      {R"({"type": "echo", "unique_key": ""})", "line 2: the unique key must not be empty"},
      {R"({"type": "echo", "unique_key": 7})", "line 2: \"unique_key\" must be a string"},
      {R"({"type": "echo", "dealy": 5})",
       "line 2: unknown key \"dealy\" (did you mean \"delay\"?)"},
  };
  for (const auto& [line, expected] : cases) {
    std::istringstream in(std::string(R"({"type": "echo"})") + "\n" + line + "\n");
    auto specs = job_specs_from_json_lines(in, kNow);
    ASSERT_FALSE(specs.ok()) << line;
    EXPECT_EQ(specs.error().message.rfind(expected, 0), 0u)
        << line << "\n  gave: " << specs.error().message;
  }
  std::istringstream bad_time(R"({"type": "echo", "run_at": "next tuesday"})");
  auto specs = job_specs_from_json_lines(bad_time, kNow);
  ASSERT_FALSE(specs.ok());
  EXPECT_NE(specs.error().message.find("next tuesday"), std::string::npos) << specs.error().message;
}

TEST(JobSpecParser, JsonLinesTakeABatchAChainAndOnFailureJobs) {
  std::istringstream in(
      R"({"type": "resize", "payload": {"in": "a.jpg"}, "batch": "mx0qmj60-b1",)"
      R"( "then": [{"type": "upload", "payload": {"to": "s3"}, "queue": "net"}, {"type": "notify"}],)"
      R"( "on_failure": [{"type": "alert", "timeout": 5}]})"
      "\n");
  auto specs = job_specs_from_json_lines(in, kNow);
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  const auto& spec = specs.value().at(0);
  EXPECT_EQ(spec.batch, "mx0qmj60-b1");
  ASSERT_EQ(spec.then.size(), 2u);
  EXPECT_EQ(spec.then[0].type, "upload");
  EXPECT_EQ(spec.then[0].payload.to_json(), (nlohmann::json{{"to", "s3"}}));
  EXPECT_EQ(spec.then[0].queue, "net");
  EXPECT_EQ(spec.then[1].type, "notify");
  EXPECT_TRUE(spec.then[1].payload.to_json().is_null()) << "absent: the chain makes it a map";
  ASSERT_EQ(spec.on_failure.size(), 1u);
  EXPECT_EQ(spec.on_failure[0].timeout_ms, 5'000u);
}

TEST(JobSpecParser, JsonLinesWithBadWorkflowFieldsAreRefusedNamingLineAndEntry) {
  std::string hundred_and_one_steps;
  for (int i = 0; i < 101; ++i) hundred_and_one_steps += R"({"type": "echo"},)";
  hundred_and_one_steps.pop_back();
  const std::pair<std::string, const char*> cases[] = {
      {R"({"type": "echo", "then": [{"type": "a"}, {"type": "b", "payload": 5}]})",
       "line 2: then[1]: payload must be a map or absent: the chain adds previous_result to it"},
      {R"({"type": "echo", "on_failure": [{"type": "alert", "payload": "x"}]})",
       "line 2: on_failure[0]: payload must be a map or absent: failed_job is added to it"},
      {R"({"type": "echo", "then": {"type": "a"}})",
       "line 2: \"then\" must be an array of jobs like [{\"type\": \"echo\"}]"},
      {R"({"type": "echo", "then": ["a"]})", "line 2: then[0]: expected a JSON object"},
      {R"({"type": "echo", "then": [{"type": "a", "then": [{"type": "b"}]}]})",
       "line 2: then[0]: a chain step or on_failure job has no \"then\", \"on_failure\" or "
       "\"batch\" of its own"},
      {R"({"type": "echo", "on_failure": [{"type": "a", "batch": "b-1"}]})",
       "line 2: on_failure[0]: a chain step or on_failure job has no"},
      {R"({"type": "echo", "then": [{"tpye": "a"}]})",
       "line 2: then[0]: unknown key \"tpye\" (did you mean \"type\"?)"},
      {R"({"type": "echo", "then": [{"type": "sleep", "payload": {"ms": -1}}]})",
       "line 2: then[0]: sleep needs"},
      {R"({"type": "echo", "then": [)" + hundred_and_one_steps + "]}",
       "line 2: \"then\" has 101 jobs, more than the limit of 100"},
      {R"({"type": "echo", "batch": 5})", "line 2: \"batch\" must be a string"},
      {R"({"type": "echo", "batch": ""})", "line 2: the batch id must not be empty"},
      {R"({"type": "echo", "on_falure": []})",
       "line 2: unknown key \"on_falure\" (did you mean \"on_failure\"?)"},
  };
  for (const auto& [line, expected] : cases) {
    std::istringstream in(std::string(R"({"type": "echo"})") + "\n" + line + "\n");
    auto specs = job_specs_from_json_lines(in, kNow);
    ASSERT_FALSE(specs.ok()) << line;
    EXPECT_EQ(specs.error().message.rfind(expected, 0), 0u)
        << line << "\n  gave: " << specs.error().message;
  }
}

TEST(JobSpecParser, ABatchCallbackIsAJobLineWithoutBatchAndWithAMapOrNoPayload) {
  auto callback = batch_callback_from_json(
      R"({"type": "manifest", "payload": {"upload": "7f3e"}, "then": [{"type": "mail"}]})", kNow);
  ASSERT_TRUE(callback.ok()) << callback.error().message;
  EXPECT_EQ(callback.value().type, "manifest");
  EXPECT_EQ(callback.value().then.size(), 1u);
  EXPECT_TRUE(batch_callback_from_json(R"({"type": "notify"})", kNow).ok());

  const std::pair<const char*, const char*> cases[] = {
      {R"({"type": "notify", "batch": "b-1"})", "a batch's callback belongs to no batch"},
      {R"({"type": "notify", "payload": [1]})",
       "payload must be a map or absent: the batch adds batch to it"},
      {R"({"type": "notify")", "not valid JSON"},
      {R"("notify")", "expected a JSON object"},
  };
  for (const auto& [text, expected] : cases) {
    auto refused = batch_callback_from_json(text, kNow);
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().message.rfind(expected, 0), 0u) << refused.error().message;
  }
}

TEST(JobSpecParser, ThenOnFailureAndBatchArgumentsGoIntoTheSpec) {
  SubmitArguments a;
  a.type = "resize";
  a.batch = "mx0qmj60-b1";
  SubmitArguments upload;
  upload.type = "upload";
  upload.args = {"to=s3", "tries=2"};
  SubmitArguments notify;
  notify.type = "notify";
  SubmitArguments alert;
  alert.type = "alert";
  alert.args = {"who=ops"};
  a.then = {upload, notify};
  a.on_failure = {alert};
  auto spec = job_spec_from_arguments(a, kNow);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec.value().batch, "mx0qmj60-b1");
  ASSERT_EQ(spec.value().then.size(), 2u);
  EXPECT_EQ(spec.value().then[0].payload.to_json(), (nlohmann::json{{"to", "s3"}, {"tries", 2}}));
  EXPECT_EQ(spec.value().then[1].type, "notify");
  ASSERT_EQ(spec.value().on_failure.size(), 1u);
  EXPECT_EQ(spec.value().on_failure[0].payload.to_json(), (nlohmann::json{{"who", "ops"}}));

  a.then[1].args = {"oops"};
  EXPECT_EQ(job_spec_from_arguments(a, kNow).error().message,
            "--then notify: --then-arg wants key=value, got 'oops'");
  a.then[1].args.clear();
  alert.type = "sleep";
  alert.args = {"ms=abc"};
  a.on_failure = {alert};
  EXPECT_EQ(
      job_spec_from_arguments(a, kNow).error().message.rfind("--on-failure sleep: sleep needs", 0),
      0u);
  a.on_failure.clear();
  a.batch = "";
  EXPECT_EQ(job_spec_from_arguments(a, kNow).error().message,
            "--batch: the batch id must not be empty");
  a.batch.reset();
  a.then.assign(101, notify);
  EXPECT_EQ(job_spec_from_arguments(a, kNow).error().message, "at most 100 --then jobs");
}

}  // namespace
}  // namespace zpipe
