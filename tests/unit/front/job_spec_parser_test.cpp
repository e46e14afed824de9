#include "front/job_spec_parser.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

TEST(JobSpecParser, ArgsBecomePayloadFieldsParsedAsJsonWhenTheyCan) {
  SubmitArguments a;
  a.type = "echo";
  a.args = {"name=bob", "n=3", "flags=[1,2]", "text=a=b"};
  auto spec = job_spec_from_arguments(a);
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
  auto spec = job_spec_from_arguments(a);
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec.value().payload.to_json()["argv"], (nlohmann::json{"ls", "-l"}));
  EXPECT_EQ(spec.value().timeout_ms, 1500u);
  EXPECT_EQ(spec.value().max_attempts, 2u);
}

TEST(JobSpecParser, RefusesBadArguments) {
  SubmitArguments a;
  a.type = "echo";
  a.payload_json = "{not json";
  EXPECT_FALSE(job_spec_from_arguments(a).ok());
  a.payload_json = "[1]";
  a.args = {"k=v"};
  EXPECT_FALSE(job_spec_from_arguments(a).ok());
  a.payload_json.clear();
  a.args = {"novalue"};
  EXPECT_FALSE(job_spec_from_arguments(a).ok());
  a.args.clear();
  a.timeout_s = -1;
  EXPECT_FALSE(job_spec_from_arguments(a).ok());
}

TEST(JobSpecParser, ABuiltInTypesPayloadItsWorkerWouldRefuseIsRefusedAtSubmit) {
  SubmitArguments a;
  a.type = "sleep";
  a.args = {"ms=abc"};
  auto spec = job_spec_from_arguments(a);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.error().code, ErrorCode::kInvalid);
  EXPECT_NE(spec.error().message.find("sleep needs a payload {\"ms\": N}"), std::string::npos)
      << spec.error().message;
  a.args = {"ms=250"};
  EXPECT_TRUE(job_spec_from_arguments(a).ok());
  a.type = "exec";
  a.args.clear();
  EXPECT_FALSE(job_spec_from_arguments(a).ok()) << "exec without a command";
  a.argv = {"true"};
  EXPECT_TRUE(job_spec_from_arguments(a).ok());
  // A custom type's payload is its worker's business.
  a.type = "resize";
  a.argv.clear();
  a.args = {"ms=abc"};
  EXPECT_TRUE(job_spec_from_arguments(a).ok());

  std::istringstream lines(
      "{\"type\": \"sleep\", \"payload\": {\"ms\": 5}}\n"
      "{\"type\": \"sleep\", \"payload\": {\"ms\": -5}}\n");
  const auto from_lines = job_specs_from_json_lines(lines);
  ASSERT_FALSE(from_lines.ok());
  EXPECT_EQ(from_lines.error().message.rfind("line 2: sleep needs", 0), 0u)
      << from_lines.error().message;
}

TEST(JobSpecParser, ReadsJsonLines) {
  std::istringstream in(R"({"type":"echo","payload":{"x":1}}

{"type":"sleep","payload":{"ms":5},"timeout":2,"max_attempts":3}
{"type":"exec","payload":["true"],"timeout_ms":700}
)");
  auto specs = job_specs_from_json_lines(in);
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  ASSERT_EQ(specs.value().size(), 3u);
  EXPECT_EQ(specs.value()[0].payload.to_json()["x"], 1);
  EXPECT_EQ(specs.value()[1].timeout_ms, 2000u);
  EXPECT_EQ(specs.value()[1].max_attempts, 3u);
  EXPECT_EQ(specs.value()[2].timeout_ms, 700u);
}

TEST(JobSpecParser, AnUnknownKeyIsAnErrorWithTheLineAndTheNearestKey) {
  std::istringstream misspelt("{\"type\":\"echo\"}\n{\"type\":\"sleep\",\"timout\":1}\n");
  auto specs = job_specs_from_json_lines(misspelt);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.rfind("line 2: unknown key \"timout\" (did you mean "
                                        "\"timeout\"?)",
                                        0),
            0u)
      << specs.error().message;

  std::istringstream unrelated("{\"type\":\"echo\",\"queue\":\"low\"}\n");
  specs = job_specs_from_json_lines(unrelated);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.find("did you mean"), std::string::npos) << specs.error().message;
  EXPECT_NE(specs.error().message.find("unknown key \"queue\""), std::string::npos);

  std::istringstream both("{\"type\":\"echo\",\"timeout\":1,\"timeout_ms\":5}\n");
  specs = job_specs_from_json_lines(both);
  ASSERT_FALSE(specs.ok());
  EXPECT_NE(specs.error().message.find("not both"), std::string::npos) << specs.error().message;
}

TEST(JobSpecParser, NamesTheFirstBadLine) {
  std::istringstream in("{\"type\":\"echo\"}\n{\"payload\":1}\n");
  auto specs = job_specs_from_json_lines(in);
  ASSERT_FALSE(specs.ok());
  EXPECT_EQ(specs.error().message.rfind("line 2:", 0), 0u) << specs.error().message;
}

}  // namespace
}  // namespace zpipe
