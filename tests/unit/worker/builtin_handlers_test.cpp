#include "worker/builtin_handlers.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

Job job_of(const std::string& type, const nlohmann::json& payload,
           std::uint64_t timeout_ms = 5000) {
  return Job{"t-1", type, Payload::from_json(payload), 1, 1, timeout_ms, 0};
}

class HandlerTest : public ::testing::Test {
 protected:
  HandlerResult run(const Job& job, ExecLimits limits = {}) {
    const JobContext context(JobContext::Clock::now() + std::chrono::milliseconds(job.timeout_ms),
                             cancelled_);
    return builtin_handlers(limits).at(job.type)(job, context);
  }
  std::atomic<bool> cancelled_{false};
};

TEST_F(HandlerTest, EchoReturnsThePayload) {
  const nlohmann::json payload = {{"a", 1}, {"b", {true, "x"}}};
  const auto r = run(job_of("echo", payload));
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.result.to_json(), payload);
}

// The plugin is loaded once per process and its answer kept: nothing else in this executable
// runs a thumbnail job (the thumbnail tests are in threaded_unit_tests, with the handler linked).
TEST_F(HandlerTest, AThumbnailJobWithoutThePluginFailsSayingWhyAndOthersStillRun) {
  ASSERT_EQ(::setenv("ZPIPE_PLUGIN_DIR", "/nonexistent/zpipe-plugins", 1), 0);
  const auto r = run(job_of("thumbnail", {{"in", "/tmp/a.jpg"}, {"out", "/tmp/b.jpg"}}));
  ::unsetenv("ZPIPE_PLUGIN_DIR");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error->message.find("cannot load /nonexistent/zpipe-plugins/zpipe-thumbnail.so"),
            std::string::npos)
      << r.error->message;
  EXPECT_NE(r.error->message.find("ZPIPE_PLUGIN_DIR"), std::string::npos) << r.error->message;
  EXPECT_FALSE(run(job_of("echo", {{"n", 1}})).error);
}

TEST_F(HandlerTest, SleepWaitsTheGivenTime) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(job_of("sleep", {{"ms", 50}}));
  EXPECT_FALSE(r.error);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
}

TEST_F(HandlerTest, SleepPastTheLimitTimesOut) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(job_of("sleep", {{"ms", 10000}}, 100));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HandlerTest, SleepRefusesABadPayload) {
  const auto r = run(job_of("sleep", {{"ms", "soon"}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kInvalid);
}

// 2^64 - 1 ms once became a sleep of -1 ms, recorded as succeeded at once.
TEST_F(HandlerTest, SleepRefusesDurationsOutOfRange) {
  for (const auto& ms :
       {nlohmann::json(18446744073709551615ULL), nlohmann::json(-1),
        nlohmann::json(365ULL * 24 * 3600 * 1000 + 1), nlohmann::json(1.5), nlohmann::json(true),
        nlohmann::json(nullptr), nlohmann::json::array({1})}) {
    const auto r = run(job_of("sleep", {{"ms", ms}}));
    ASSERT_TRUE(r.error) << ms;
    EXPECT_EQ(r.error->code, ErrorCode::kInvalid) << ms;
    EXPECT_NE(r.error->message.find("0 <= N <= 31536000000 (a year)"), std::string::npos)
        << r.error->message;
  }
}

TEST_F(HandlerTest, FailFailsWithTheMessage) {
  const auto r = run(job_of("fail", {{"message", "disk on fire"}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kHandlerError);
  EXPECT_EQ(r.error->message, "disk on fire");
}

TEST_F(HandlerTest, ExecRecordsExitStatusAndOutput) {
  const auto r = run(job_of("exec", {{"argv", {"sh", "-c", "echo out; echo err >&2"}}}));
  ASSERT_FALSE(r.error) << r.error->message;
  const auto result = r.result.to_json();
  EXPECT_EQ(result["exit_status"], 0);
  EXPECT_EQ(result["stdout"], "out\n");
  EXPECT_EQ(result["stderr"], "err\n");
}

TEST_F(HandlerTest, ExecPassesArgumentsWithoutAShell) {
  const auto r = run(job_of("exec", {"echo", "$HOME; rm -rf /"}));
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.result.to_json()["stdout"], "$HOME; rm -rf /\n");
}

TEST_F(HandlerTest, ExecNonZeroExitFailsWithStatusAndStderr) {
  const auto r = run(job_of("exec", {{"argv", {"sh", "-c", "echo 'no space' >&2; exit 3"}}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kExecFailed);
  EXPECT_NE(r.error->message.find("status 3"), std::string::npos) << r.error->message;
  EXPECT_NE(r.error->message.find("no space"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.result.to_json()["exit_status"], 3);
}

TEST_F(HandlerTest, ExecKilledAtTheTimeLimit) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(job_of("exec", {{"argv", {"sleep", "30"}}}, 200));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kTimeout);
  EXPECT_EQ(r.result.to_json()["signal"], "SIGKILL");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(HandlerTest, ExecTimeLimitKillsGrandchildrenToo) {
  // The shell's child keeps the pipe open; killing only the shell would wait 30 s for EOF.
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(job_of("exec", {{"argv", {"sh", "-c", "sleep 30; echo never"}}}, 200));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(HandlerTest, ExecOfMissingProgramFailsClearly) {
  const auto r = run(job_of("exec", {{"argv", {"/no/such/program"}}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kExecFailed);
  EXPECT_NE(r.error->message.find("/no/such/program"), std::string::npos);
}

TEST_F(HandlerTest, ExecReportsDeathBySignal) {
  const auto r = run(job_of("exec", {{"argv", {"sh", "-c", "kill -SEGV $$"}}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.result.to_json()["signal"], "SIGSEGV");
}

TEST_F(HandlerTest, ExecKeepsOutputUpToTheLimit) {
  ExecLimits limits;
  limits.output_bytes = 1000;
  const auto r = run(job_of("exec", {{"argv", {"head", "-c", "100000", "/dev/zero"}}}), limits);
  ASSERT_FALSE(r.error);
  const auto result = r.result.to_json();
  EXPECT_EQ(result["stdout"].get<std::string>().size(), 1000u);
  EXPECT_EQ(result["stdout_truncated"], true);
}

TEST_F(HandlerTest, ExecRefusesAPayloadWithoutArgv) {
  const auto r = run(job_of("exec", {{"cmd", "ls"}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, ErrorCode::kInvalid);
}

// Each field at and past its limits: refused as invalid with a reason, never run as something
// else (a NUL would cut an argument short at exec).
TEST_F(HandlerTest, ExecRefusesFieldsOutOfTheirLimits) {
  const std::string nul(1, '\0');
  const std::pair<nlohmann::json, std::string> bad[] = {
      {nlohmann::json::array(), "at least the program"},
      {{{"argv", nlohmann::json::array()}}, "at least the program"},
      {{{"argv", "ls"}}, "at least the program"},
      {{{"argv", {"ls", 7}}}, "must be strings"},
      {{{"argv", {"echo", "a" + nul + "b"}}}, "NUL"},
      {{{"argv", {"ls" + nul}}}, "NUL"},
      {{{"argv", {""}}}, "argv[0] is empty"},
      {{{"argv", {"ls"}}, {"cwd", 7}}, "cwd must be a folder's path"},
      {{{"argv", {"ls"}}, {"cwd", ""}}, "cwd must be a folder's path"},
      {{{"argv", {"ls"}}, {"cwd", "/tmp" + nul + "x"}}, "cwd must be a folder's path"},
  };
  for (const auto& [payload, reason] : bad) {
    const auto r = run(job_of("exec", payload));
    ASSERT_TRUE(r.error) << payload.dump();
    EXPECT_EQ(r.error->code, ErrorCode::kInvalid) << payload.dump();
    EXPECT_NE(r.error->message.find(reason), std::string::npos) << r.error->message;
  }
}

TEST_F(HandlerTest, ExecInAFolderThatDoesNotExistFailsSayingSo) {
  const auto r = run(job_of("exec", {{"argv", {"true"}}, {"cwd", "/no/such/folder"}}));
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("/no/such/folder"), std::string::npos) << r.error->message;
}

}  // namespace
}  // namespace zpipe
