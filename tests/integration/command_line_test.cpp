// The programs as a user types them: help, version, usage errors, and the zpipe commands.
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "front/free_ports.hpp"
#include "tests/support/loopback_listener.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/up_on_free_ports.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

class EveryProgram : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryProgram, HelpExplainsTheOptionsOnStdout) {
  const auto run = run_program({program(GetParam()), "--help"}, 10s);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("Usage: " + GetParam()), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--version"), std::string::npos);
  // The servers' flags show their defaults; the two front-ends list their subcommands.
  const std::string expected = GetParam() == "zpipe"           ? "submit"
                               : GetParam() == "zpipe-monitor" ? "tail"
                                                               : "--log-level TEXT=info";
  EXPECT_NE(run.out.find(expected), std::string::npos) << run.out;
}

TEST_P(EveryProgram, VersionPrintsTheVersion) {
  const auto run = run_program({program(GetParam()), "--version"}, 10s);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("zpipe 0."), std::string::npos) << run.out;
}

TEST_P(EveryProgram, UnknownOptionIsAUsageErrorWithAHint) {
  const auto run = run_program({program(GetParam()), "--no-such-flag"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--help"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Programs, EveryProgram,
                         ::testing::Values("zpipe", "zpipe-ventilator", "zpipe-worker",
                                           "zpipe-sink", "zpipe-monitor"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(CommandLine, ServerHelpShowsDefaultEndpoints) {
  const auto run = run_program({program("zpipe-ventilator"), "--help"}, 10s);
  EXPECT_NE(run.out.find("tcp://127.0.0.1:5570"), std::string::npos) << run.out;
  const auto worker = run_program({program("zpipe-worker"), "--help"}, 10s);
  EXPECT_NE(worker.out.find("--concurrency"), std::string::npos);
  EXPECT_NE(worker.out.find("tcp://127.0.0.1:5571"), std::string::npos) << worker.out;
}

// What `--help` says of an option: from its name to the next option.
std::string help_of(const std::string& help, const std::string& option) {
  const auto at = help.find("  " + option + " ");
  if (at == std::string::npos) return "";
  return help.substr(at, help.find("\n  -", at + 1) - at);
}

TEST(CommandLine, HelpNamesTheSocketBehindEachEndpoint) {
  // A client written from --help alone must learn the socket type to pair with; the jobs
  // socket is a ROUTER with credit-based dispatch, not the PUSH it once was.
  const struct {
    const char* program;
    const char* option;
    const char* socket;
  } expected[] = {
      {"zpipe-ventilator", "--submit", "(ROUTER, bind)"},
      {"zpipe-ventilator", "--jobs", "(ROUTER, bind; each worker is sent no more than it asks"},
      {"zpipe-ventilator", "--acks", "(PULL, bind)"},
      {"zpipe-ventilator", "--events-in", "(event hub SUB, bind)"},
      {"zpipe-ventilator", "--events-out", "(event hub PUB, bind)"},
      {"zpipe-sink", "--outcomes", "(PULL, bind)"},
      {"zpipe-sink", "--acks-to", "(PUSH, connect)"},
      {"zpipe-sink", "--events-to", "(XPUB, connect)"},
      {"zpipe-worker", "--jobs-from", "(DEALER, connect)"},
      {"zpipe-worker", "--outcomes-to", "(PUSH, connect)"},
      {"zpipe-worker", "--events-to", "(XPUB, connect)"},
  };
  std::map<std::string, std::string> help;
  for (const auto& e : expected) {
    if (help.count(e.program) == 0) {
      help[e.program] = run_program({program(e.program), "--help"}, 10s).out;
      EXPECT_EQ(help[e.program].find("PUSH, bind"), std::string::npos) << help[e.program];
    }
    EXPECT_NE(help_of(help[e.program], e.option).find(e.socket), std::string::npos)
        << e.program << " " << e.option << ":\n"
        << help[e.program];
  }
  for (const char* view : {"tail", "top"}) {
    const auto monitor = run_program({program("zpipe-monitor"), view, "--help"}, 10s).out;
    EXPECT_NE(help_of(monitor, "--events-from").find("(SUB, connect)"), std::string::npos)
        << monitor;
  }
}

TEST(CommandLine, AWorkerAskedForATypeItHasNotIsAUsageErrorListingItsTypes) {
  const auto run = run_program({program("zpipe-worker"), "--types", "echo,word_count"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no handler for type 'word_count' here; the types it has are echo, "
                         "exec, fail, sleep, thumbnail"),
            std::string::npos)
      << run.err;
  const auto mixed = run_program({program("zpipe-worker"), "--queues", "critical:6,low"}, 10s);
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.err.find("--queues: give every queue a weight"), std::string::npos) << mixed.err;
  const auto help = run_program({program("zpipe-worker"), "--help"}, 10s);
  EXPECT_NE(help.out.find("--types"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--queues"), std::string::npos) << help.out;
}

TEST(CommandLine, FrontDispatchesToTheProgram) {
  const auto run = run_program({program("zpipe"), "worker", "--help"}, 10s);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("zpipe-worker"), std::string::npos) << run.out;
}

TEST(CommandLine, SubmitWithoutATypeIsAUsageError) {
  const auto run = run_program({program("zpipe"), "submit"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("job TYPE"), std::string::npos) << run.err;
}

TEST(CommandLine, SubmitWithNoVentilatorFailsWithTheReason) {
  const auto run = run_program(
      {program("zpipe"), "submit", "echo", "--ventilator", "tcp://127.0.0.1:1", "--wait", "0.3"},
      10s);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("nothing answers at tcp://127.0.0.1:1"), std::string::npos) << run.err;
}

TEST(CommandLine, AMisspeltCommandGetsTheNearestOne) {
  const auto run = run_program({program("zpipe"), "statu"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown command \"statu\"; did you mean \"status\"?"), std::string::npos)
      << run.err;
  const auto far = run_program({program("zpipe"), "frobnicate", "--json"}, 10s);
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown command \"frobnicate\""), std::string::npos) << far.err;
  EXPECT_NE(far.err.find("zpipe --help"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
}

TEST(CommandLine, ASubcommandsUsageErrorPointsToItsOwnHelp) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--nope"}, {"results", "--limit", "many"}, {"show"}}) {
    auto argv = args;
    argv.insert(argv.begin(), program("zpipe"));
    const auto run = run_program(argv, 10s);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("Run 'zpipe " + args.front() + " --help' for the options."),
              std::string::npos)
        << run.err;
    const auto help = run_program({program("zpipe"), args.front(), "--help"}, 10s);
    EXPECT_EQ(help.exit_code, 0) << "the help it points to exists";
  }
}

// Where nothing listens, every command says so within about a second, not after its
// reply timeout (10 s for submit, 5 s for status).
TEST(CommandLine, NothingAtTheVentilatorsEndpointIsSaidAtOnce) {
  const auto port = std::to_string(free_tcp_ports(1).front());
  for (const char* command : {"status", "submit", "retry"}) {
    std::vector<std::string> argv{program("zpipe"), command};
    if (std::string(command) == "submit") argv.push_back("echo");
    if (std::string(command) == "retry") argv.push_back("--dead");
    argv.insert(argv.end(), {"--ventilator", "tcp://127.0.0.1:" + port});
    const auto started = std::chrono::steady_clock::now();
    const auto run = run_program(argv, 10s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(run.exit_code, 1) << command;
    EXPECT_NE(run.err.find("nothing answers at tcp://127.0.0.1:" + port +
                           ": is the ventilator running? (zpipe up)"),
              std::string::npos)
        << run.err;
    EXPECT_LT(took, 2s) << command;
  }
}

// Something listens but does not answer (a ventilator slow to reply): the full wait, then the
// reply timeout's message; one that answers is answered.
TEST(CommandLine, ASlowVentilatorStillGetsTheFullWait) {
  const int port = free_tcp_ports(1).front();
  LoopbackListener silent(port);
  ASSERT_TRUE(silent.is_listening());
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_program({program("zpipe"), "status", "--wait", "3", "--ventilator",
                                "tcp://127.0.0.1:" + std::to_string(port)},
                               10s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no answer from the ventilator at tcp://127.0.0.1:" +
                         std::to_string(port) + " within 3000 ms"),
            std::string::npos)
      << run.err;
  EXPECT_GE(took, 3s);

  TestPipeline pipeline(TestPipelineOptions(0));
  const auto answered =
      run_program({program("zpipe"), "status", "--ventilator", pipeline.endpoints().submit}, 10s);
  EXPECT_EQ(answered.exit_code, 0) << answered.err;
  EXPECT_NE(answered.out.find("pending"), std::string::npos) << answered.out;
}

TEST(CommandLine, BadEndpointIsReportedWithTheExpectedForm) {
  TempDir dir;
  const auto run = run_program(
      {program("zpipe-sink"), "--outcomes", "localhost:99", "--data-dir", dir.path().string()},
      10s);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("tcp://HOST:PORT"), std::string::npos) << run.err;
}

TEST(CommandLine, BusyPortIsReportedNamingTheEndpoint) {
  TestPipeline pipeline(TestPipelineOptions(0));
  const auto run =
      run_program({program("zpipe-ventilator"), "--submit", pipeline.endpoints().submit, "--jobs",
                   "tcp://127.0.0.1:*", "--acks", "tcp://127.0.0.1:*", "--events-in",
                   "tcp://127.0.0.1:*", "--events-out", "tcp://127.0.0.1:*"},
                  10s);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cannot bind submit endpoint " + pipeline.endpoints().submit),
            std::string::npos)
      << run.err;
}

TEST(CommandLine, ReadingAMissingStoreSaysWhere) {
  TempDir dir;
  const auto run =
      run_program({program("zpipe"), "results", "--data-dir", dir.path().string()}, 10s);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no outcome store at"), std::string::npos) << run.err;
}

TEST(CommandLine, SubmitResultsFailuresAndShowThroughARealPipeline) {
  TestPipeline pipeline({1, 2});
  const auto submit = pipeline.endpoints().submit;
  const auto data = pipeline.data_dir().string();

  const auto one = run_program({program("zpipe"), "submit", "echo", "--arg", "msg=hi", "--arg",
                                "n=3", "--ventilator", submit},
                               10s);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto echo_id = one.out.substr(0, one.out.find('\n'));

  const auto command = run_program(
      {program("zpipe"), "submit", "exec", "--ventilator", submit, "--", "sh", "-c", "exit 7"},
      10s);
  ASSERT_EQ(command.exit_code, 0) << command.err;

  const auto lines =
      run_program({program("zpipe"), "submit", "--jsonl", "-", "--ventilator", submit}, 10s,
                  "{\"type\":\"fail\",\"payload\":{\"message\":\"bad card\"}}\n"
                  "{\"type\":\"echo\",\"payload\":[1,2]}\n");
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  EXPECT_EQ(std::count(lines.out.begin(), lines.out.end(), '\n'), 2);

  const auto bad_line =
      run_program({program("zpipe"), "submit", "--jsonl", "-", "--ventilator", submit}, 10s,
                  "{\"type\":\"echo\"}\nnot json\n");
  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_NE(bad_line.err.find("line 2"), std::string::npos) << bad_line.err;

  ASSERT_TRUE(pipeline.wait_for_finished(4, 20s));
  EXPECT_EQ(pipeline.client().status().value().accepted, 4u) << "the bad file submitted nothing";

  const auto show =
      run_program({program("zpipe"), "show", echo_id, "--json", "--data-dir", data}, 10s);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const auto shown = nlohmann::json::parse(show.out);
  EXPECT_EQ(shown["status"], "succeeded");
  EXPECT_EQ(shown["result"], (nlohmann::json{{"msg", "hi"}, {"n", 3}}));

  const auto results =
      run_program({program("zpipe"), "results", "--json", "--data-dir", data}, 10s);
  EXPECT_EQ(nlohmann::json::parse(results.out).size(), 4u);
  const auto echoes = run_program(
      {program("zpipe"), "results", "--json", "--type", "echo", "--data-dir", data}, 10s);
  EXPECT_EQ(nlohmann::json::parse(echoes.out).size(), 2u);

  const auto failures =
      run_program({program("zpipe"), "failures", "--data-dir", data, "--ventilator", submit}, 10s);
  EXPECT_EQ(failures.exit_code, 0);
  EXPECT_NE(failures.out.find("bad card"), std::string::npos) << failures.out;
  EXPECT_NE(failures.out.find("exited with status 7"), std::string::npos) << failures.out;

  const auto missing = run_program(
      {program("zpipe"), "show", "nope-1", "--data-dir", data, "--ventilator", submit}, 10s);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nothing known of job nope-1: no outcome recorded in"),
            std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("the ventilator at " + submit + " does not hold it"),
            std::string::npos)
      << missing.err;
  EXPECT_TRUE(pipeline.stop());
}

TEST(CommandLine, ShowSeesJobsNotRecordedYetAndFailuresRetryAndDiscardAgree) {
  TestPipelineOptions options(1, 1);
  options.worker_args = {"--prefetch", "0"};  // the waiting job stays with the ventilator
  TestPipeline pipeline(options);
  const auto submit = pipeline.endpoints().submit;
  const auto data = pipeline.data_dir().string();
  const auto zpipe = [&](std::vector<std::string> args) {
    args.insert(args.begin(), program("zpipe"));
    for (const auto& flag : {"--ventilator", submit.c_str()}) args.emplace_back(flag);
    return run_program(args, 20s);
  };
  // A job that holds the only worker's slot, and one that waits behind it (a fresh worker with
  // --prefetch 0 asks for no job beyond its slot).
  auto client = pipeline.client();
  const auto busy = client.submit(JobSpec{"sleep", Payload::from_json({{"ms", 60'000}}), 0, 1});
  const auto waiting = client.submit(JobSpec{"echo", Payload::from_json(1), 0, 1});
  ASSERT_TRUE(busy.ok() && waiting.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto c = client.status().value();
        return c.in_flight == 1 && c.pending == 1;
      },
      10s));

  const auto pending = zpipe({"show", waiting.value(), "--data-dir", data});
  EXPECT_EQ(pending.exit_code, 0) << pending.err;
  EXPECT_NE(pending.out.find("waits for a worker (attempt 1 of 1)"), std::string::npos)
      << pending.out;
  const auto not_dead = zpipe({"retry", waiting.value()});
  EXPECT_NE(not_dead.err.find("is not a dead job: waits for a worker"), std::string::npos)
      << not_dead.err;
  const auto running = zpipe({"show", busy.value(), "--json", "--data-dir", data});
  ASSERT_EQ(running.exit_code, 0) << running.err;
  EXPECT_EQ(nlohmann::json::parse(running.out)["now"]["state"], "running") << running.out;

  // Two jobs dead at their first attempt, run by a second worker.
  pipeline.add_worker();
  const auto dead =
      client.submit(std::vector<JobSpec>(2, JobSpec{"fail", Payload::from_json("bad card"), 0, 1}));
  ASSERT_TRUE(dead.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(3, 20s));  // and the echo

  const auto both = zpipe({"failures", "--json", "--data-dir", data});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(nlohmann::json::parse(both.out).size(), 2u) << both.out;
  const auto shown_dead = zpipe({"show", dead.value()[0], "--data-dir", data});
  EXPECT_NE(shown_dead.out.find("dead after attempt 1 of 1"), std::string::npos) << shown_dead.out;

  ASSERT_EQ(zpipe({"discard", dead.value()[0]}).exit_code, 0);
  const auto one = zpipe({"failures", "--json", "--data-dir", data});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto listed = nlohmann::json::parse(one.out);
  ASSERT_EQ(listed.size(), 1u) << one.out;
  EXPECT_EQ(listed[0]["id"], dead.value()[1]);
  EXPECT_NE(one.err.find("1 failed job retried or discarded since is not listed"),
            std::string::npos)
      << one.err;
  EXPECT_EQ(
      nlohmann::json::parse(zpipe({"failures", "--all", "--json", "--data-dir", data}).out).size(),
      2u);
  const auto again = zpipe({"retry", dead.value()[0]});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find(dead.value()[0] + " is not a dead job: not held by the ventilator"),
            std::string::npos)
      << again.err;
  // The minute-long sleep would hold the stop up, wherever it runs: no worker is left to run it.
  pipeline.kill_worker(1);
  pipeline.kill_worker(0);
  EXPECT_TRUE(pipeline.stop());
}

// libvips (some 110 libraries) is in a plugin that only the commands drawing or reading images
// load; without it they say where they looked and the other commands work.
TEST(CommandLine, TheFrontLoadsLibvipsOnlyToThumbnail) {
  const auto linked = run_program({"readelf", "--dynamic", program("zpipe")}, 10s);
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_EQ(linked.out.find("libvips"), std::string::npos) << linked.out;

  TempDir dir;
  const auto without =
      run_program({"env", "ZPIPE_PLUGIN_DIR=" + dir.path().string(), program("zpipe"), "thumbnail",
                   "--samples", "--data-dir", dir.path().string()},
                  30s);
  EXPECT_EQ(without.exit_code, 1) << without.out << without.err;
  EXPECT_NE(without.err.find("image support is not available: cannot load " +
                             (dir.path() / "zpipe-images.so").string()),
            std::string::npos)
      << without.err;
  // A command that does its work (keys written), with the plugin nowhere to be found.
  const auto keygen =
      run_program({"env", "ZPIPE_PLUGIN_DIR=" + dir.path().string(), program("zpipe"), "keygen",
                   "ops", "--dir", (dir.path() / "keys").string()},
                  10s);
  EXPECT_EQ(keygen.exit_code, 0) << keygen.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "keys" / "ops.key_secret")) << keygen.out;
}

TEST(CommandLine, UpPassesIsolationDurabilityAndAttemptsToItsPrograms) {
  TempDir dir;
  auto up =
      start_up_on_free_ports({"--workers", "1", "--isolate", "--durability", "none",
                              "--max-attempts", "1", "--data-dir", (dir.path() / "data").string()},
                             dir.path());
  const int port_base = up.port_base;
  const auto log = up.err;
  Client client(ClientConfig::to("tcp://127.0.0.1:" + std::to_string(port_base), 2s));
  ASSERT_TRUE(wait_until([&] { return client.status().ok(); }, 20s));
  const auto id = client.submit(JobSpec{"fail", Payload::from_json("on purpose"), 0, 0});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        auto status = client.status();
        return status.ok() && status.value().dead == 1;
      },
      20s))
      << "one attempt, then dead";
  up.process.request_stop();
  const auto status = up.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("durability none"), std::string::npos) << text;
  EXPECT_NE(text.find("each job runs in a process of its own"), std::string::npos) << text;
}

// --max-backlog reaches the ventilator: with no workers, the third job finds the backlog full.
TEST(CommandLine, UpPassesTheVentilatorsBacklogLimit) {
  TempDir dir;
  auto up = start_up_on_free_ports({"--workers", "0", "--max-backlog", "2", "--retry-delay", "0.5",
                                    "--data-dir", (dir.path() / "data").string()},
                                   dir.path());
  auto config = ClientConfig::to("tcp://127.0.0.1:" + std::to_string(up.port_base), 5s);
  config.busy_wait = 0ms;
  Client client(config);
  ASSERT_TRUE(client.submit(JobSpec{"echo", Payload::from_json(1), 0, 0}).ok());
  ASSERT_TRUE(client.submit(JobSpec{"echo", Payload::from_json(2), 0, 0}).ok());
  const auto third = client.submit(JobSpec{"echo", Payload::from_json(3), 0, 0});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kBusy) << third.error().message;
  up.process.request_stop();
  const auto status = up.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

// A program that cannot start: `zpipe up` says which, with the line that says why, and where
// its log is.
TEST(CommandLine, UpSaysWhyAProgramCouldNotStartAndWhereItsLogIs) {
  TempDir dir;
  const auto data = (dir.path() / "data").string();
  auto first = start_up_on_free_ports({"--workers", "0", "--data-dir", data}, dir.path());
  const auto log = dir.path() / "second.log";
  const auto second =
      run_program({program("zpipe"), "up", "--workers", "1", "--data-dir", data, "--port-base",
                   std::to_string(free_consecutive_ports(6)), "--log-file", log.string()},
                  30s);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("exited with status 1:\n  "), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("is in use by another"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("are in " + log.string()), std::string::npos) << second.err;
  EXPECT_NE(text_of(log).find("is in use by another"), std::string::npos) << text_of(log);
  first.process.request_stop();
  const auto status = first.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
}

TEST(CommandLine, UpOnOtherPortsPrintsCommandsAndExportsThatReachIt) {
  TempDir dir;
  const auto data_dir = dir.path() / "data dir";  // a space: the export line quotes it
  auto up = start_up_on_free_ports({"--workers", "1", "--data-dir", data_dir.string()}, dir.path());
  const int port_base = up.port_base;
  const auto out = up.out;
  const auto announced = text_of(out);
  const auto at = [&](int offset) {
    return "tcp://127.0.0.1:" + std::to_string(port_base + offset);
  };
  EXPECT_NE(announced.find("zpipe submit echo --arg msg=hi --ventilator " + at(0)),
            std::string::npos)
      << announced;
  EXPECT_NE(announced.find("zpipe worker --jobs-from " + at(1) + " --outcomes-to " + at(2) +
                           " --events-to " + at(4)),
            std::string::npos)
      << announced;
  EXPECT_NE(announced.find("zpipe monitor tail --events-from " + at(5)), std::string::npos)
      << announced;
  // Every endpoint on a line of its own with its role, the endpoints in one column: the
  // events-in one too, which a program of the user's own publishes to.
  const std::pair<std::string, int> roles[] = {{"submit", 0},
                                               {"jobs for workers", 1},
                                               {"outcomes to sink", 2},
                                               {"acks to ventilator", 3},
                                               {"events in (publish)", 4},
                                               {"events out (subscribe)", 5}};
  std::set<std::size_t> endpoint_columns;
  for (const auto& [role, offset] : roles) {
    std::smatch line;
    ASSERT_TRUE(std::regex_search(
        announced, line,
        std::regex("\\n(  " + std::regex_replace(role, std::regex("[()]"), "\\$&") + " +)" +
                   at(offset) + "(\\n|   )")))
        << role << " " << at(offset) << " in\n"
        << announced;
    endpoint_columns.insert(static_cast<std::size_t>(line.length(1)));
  }
  EXPECT_EQ(endpoint_columns.size(), 1u) << "endpoints not aligned:\n" << announced;

  // The export line, as a shell would take it, points plain commands at this pipeline.
  const auto line_start = announced.find("  export ");
  ASSERT_NE(line_start, std::string::npos) << announced;
  const auto line =
      announced.substr(line_start + 9, announced.find('\n', line_start) - line_start - 9);
  const std::map<std::string, std::string> expected{
      {"ZPIPE_VENTILATOR", at(0)},
      {"ZPIPE_JOBS", at(1)},
      {"ZPIPE_OUTCOMES", at(2)},
      {"ZPIPE_ACKS", at(3)},
      {"ZPIPE_EVENTS_IN", at(4)},
      {"ZPIPE_EVENTS", at(5)},
      {"ZPIPE_DATA_DIR", "'" + data_dir.string() + "'"}};
  for (const auto& [name, value] : expected) {
    EXPECT_NE(line.find(name + "=" + value), std::string::npos) << name << " in " << line;
  }
  ::setenv("ZPIPE_VENTILATOR", at(0).c_str(), 1);
  ::setenv("ZPIPE_DATA_DIR", data_dir.c_str(), 1);
  const auto submitted = run_program({program("zpipe"), "submit", "echo", "--arg", "msg=hi"}, 20s);
  EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto id = submitted.out.substr(0, submitted.out.find('\n'));
  const bool shown = wait_until(
      [&] {
        return run_program({program("zpipe"), "show", id}, 10s).out.find("succeeded") !=
               std::string::npos;
      },
      20s);
  ::unsetenv("ZPIPE_VENTILATOR");
  ::unsetenv("ZPIPE_DATA_DIR");
  EXPECT_TRUE(shown) << "job " << id << " not found through ZPIPE_DATA_DIR";
  up.process.request_stop();
  const auto status = up.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace zpipe::test
