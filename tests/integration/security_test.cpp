// CURVE pipelines with two key sets, and floods of random and mutated frames against every
// bound socket with and without CURVE: untrusted peers get nothing in or out, every program
// keeps running, and every legitimate job is recorded correctly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/curve_keys.hpp"
#include "common/protocol.hpp"
#include "common/socket.hpp"
#include "tests/support/curve_key_sets.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<JobSpec> echo_jobs(int count) {
  std::vector<JobSpec> jobs;
  for (int n = 0; n < count; ++n) {
    jobs.push_back(JobSpec{"echo", Payload::from_json(nlohmann::json{{"n", n}}), 0, 0});
  }
  return jobs;
}

// Each job recorded once, succeeded, with its own payload echoed.
void expect_recorded_correctly(TestPipeline& pipeline, const std::vector<std::string>& ids) {
  const auto store = pipeline.store();
  for (std::size_t n = 0; n < ids.size(); ++n) {
    const auto row = store->find(ids[n]).value();
    ASSERT_TRUE(row.has_value()) << ids[n];
    EXPECT_TRUE(row->outcome.succeeded()) << ids[n] << ": " << row->outcome.error;
    EXPECT_EQ(row->outcome.result.to_json(), (nlohmann::json{{"n", n}})) << ids[n];
  }
}

TEST(Security, OnlyTrustedKeysSubmitTakeJobsReportAndWatch) {
  CurveKeySets keys;
  auto options = curve_pipeline(keys, 1, 2);
  options.outcomes_over_tcp = true;  // refusals are logged with the peer's TCP address
  TestPipeline pipeline(options);
  const auto& e = pipeline.endpoints();

  // An untrusted worker, a worker with no key, and monitors with and without trust.
  auto untrusted_worker_argv = worker_command(e, 2);
  untrusted_worker_argv.front() = program("zpipe-worker");
  for (const auto& arg : keys.client_args("mallory")) untrusted_worker_argv.push_back(arg);
  untrusted_worker_argv.insert(untrusted_worker_argv.end(), {"--name", "mallory-worker"});
  auto untrusted_worker = pipeline.start_program("mallory-worker", untrusted_worker_argv);
  auto clear_worker_argv = worker_command(e, 2);
  clear_worker_argv.front() = program("zpipe-worker");
  clear_worker_argv.insert(clear_worker_argv.end(), {"--name", "keyless-worker"});
  auto clear_worker = pipeline.start_program("keyless-worker", clear_worker_argv);
  auto monitor = [&](const std::string& name, const std::vector<std::string>& key_args) {
    std::vector<std::string> argv{program("zpipe-monitor"), "tail",      "--json", "--verbose",
                                  "--events-from",          e.events_out};
    argv.insert(argv.end(), key_args.begin(), key_args.end());
    return ChildProcess(
        argv, ChildOptions{pipeline.dir() / (name + ".out"), pipeline.dir() / (name + ".log"), {}});
  };
  auto trusted_monitor = monitor("ops-monitor", keys.client_args("ops"));
  auto untrusted_monitor = monitor("mallory-monitor", keys.client_args("mallory"));
  auto trusted_events = [&] { return read_file(pipeline.dir() / "ops-monitor.out"); };
  ASSERT_TRUE(wait_until([&] { return !trusted_events().empty(); }, 20s))
      << "the trusted monitor sees no events";

  // The trusted producer is served.
  auto producer = pipeline.client();
  const auto ids = producer.submit(echo_jobs(200));
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(200, 60s));

  // Untrusted and keyless producers are not: nothing of theirs is accepted. The untrusted one
  // is told why; the keyless one cannot tell a CURVE server from no server.
  for (const auto& curve : {keys.client("mallory"), CurveSetup{}}) {
    auto config = ClientConfig::to(e.submit, 2s);
    config.curve = curve;
    Client intruder(config);
    const auto refused = intruder.submit(JobSpec{"echo", Payload(), 0, 0});
    ASSERT_FALSE(refused.ok());
    if (curve.enabled()) {
      EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
      EXPECT_NE(refused.error().message.find("refused this program's key"), std::string::npos)
          << refused.error().message;
    } else {
      EXPECT_EQ(refused.error().code, ErrorCode::kTimeout);
    }
  }

  // Every job ran on the trusted worker, and its outcomes carry the worker's key name.
  expect_recorded_correctly(pipeline, ids.value());
  const auto store = pipeline.store();
  for (const auto& id : ids.value()) {
    const auto attempts = store->attempts(id).value();
    ASSERT_EQ(attempts.size(), 1u) << id;
    EXPECT_EQ(attempts[0].key, "worker") << id;
    EXPECT_NE(attempts[0].worker, "mallory-worker");
    EXPECT_NE(attempts[0].worker, "keyless-worker");
  }
  const auto counts = producer.status();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts.value().accepted, 200u);
  EXPECT_EQ(counts.value().succeeded, 200u);
  EXPECT_EQ(counts.value().pending + counts.value().in_flight + counts.value().dead, 0u);

  // The trusted monitor saw the jobs, stamped with the key of the worker that ran them; the
  // untrusted one saw nothing at all.
  ASSERT_TRUE(wait_until(
      [&] { return trusted_events().find("\"job.succeeded\"") != std::string::npos; }, 10s));
  bool stamped = false;
  std::istringstream lines(trusted_events());
  for (std::string line; std::getline(lines, line);) {
    const auto event = nlohmann::json::parse(line);
    if (event["name"] != "job.succeeded") continue;
    EXPECT_EQ(event["fields"].value("key", ""), "worker") << line;
    stamped = true;
  }
  EXPECT_TRUE(stamped);
  EXPECT_EQ(read_file(pipeline.dir() / "mallory-monitor.out"), "");

  // Refusals are logged with the peer's address and key, by both servers.
  const auto mallory = keys.keys.at("mallory").public_key;
  for (const auto& server : {"ventilator", "sink"}) {
    const auto log = pipeline.log_of(server);
    EXPECT_NE(log.find("refused a connection from 127.0.0.1"), std::string::npos) << log;
    EXPECT_NE(log.find(mallory), std::string::npos) << log;
  }
  // The untrusted worker says why it gets nothing.
  const auto untrusted_log = pipeline.log_of("mallory-worker");
  EXPECT_NE(untrusted_log.find("the ventilator at " + e.jobs + " refused this program's key"),
            std::string::npos)
      << untrusted_log;
  EXPECT_TRUE(pipeline.exited_programs().empty());
  EXPECT_FALSE(untrusted_worker.has_exited());
  EXPECT_FALSE(clear_worker.has_exited());
  EXPECT_FALSE(untrusted_monitor.has_exited()) << "it must be refused, not have failed";
  EXPECT_TRUE(pipeline.stop());
}

TEST(Security, ProgramsRefuseToStartWithMissingOrExposedKeys) {
  CurveKeySets keys;
  ::chmod(keys.secret("worker").c_str(), 0644);
  const auto exposed = run_program({program("zpipe-worker"), "--curve-secret",
                                    keys.secret("worker"), "--curve-server-key", keys.server_key()},
                                   10s);
  EXPECT_EQ(exposed.exit_code, 2);
  EXPECT_NE(exposed.err.find("chmod 600"), std::string::npos) << exposed.err;

  const auto no_trust =
      run_program({program("zpipe-ventilator"), "--curve-secret", keys.secret("server")}, 10s);
  EXPECT_EQ(no_trust.exit_code, 2);
  EXPECT_NE(no_trust.err.find("--curve-trust"), std::string::npos) << no_trust.err;
}

TEST(Security, AVentilatorBoundBeyondLoopbackInTheClearWarns) {
  TempDir dir;
  std::vector<std::string> argv{
      program("zpipe-ventilator"), "--submit",     "tcp://0.0.0.0:*",   "--jobs",
      "tcp://127.0.0.1:*",         "--acks",       "tcp://127.0.0.1:*", "--events-in",
      "tcp://127.0.0.1:*",         "--events-out", "tcp://127.0.0.1:*", "--data-dir",
      (dir.path() / "d").string()};
  ChildProcess ventilator(argv, ChildOptions{{}, dir.path() / "log", {}});
  ASSERT_TRUE(wait_until(
      [&] { return read_file(dir.path() / "log").find(": ready") != std::string::npos; }, 10s));
  const auto log = read_file(dir.path() / "log");
  EXPECT_NE(log.find("submit endpoint tcp://0.0.0.0:* is reachable from other hosts and runs in "
                     "the clear"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("jobs endpoint"), std::string::npos) << "loopback endpoints need no warning";
  EXPECT_EQ(ventilator.stop(10s), 0);
}

}  // namespace
}  // namespace zpipe::test
