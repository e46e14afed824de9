// No pipeline mixed up with another: a second ventilator or sink on a data directory in use
// refuses to start and says who holds it; `zpipe up` on ports in use says so before it
// announces anything.
#include <memory>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "front/free_ports.hpp"
#include "tests/support/loopback_listener.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// A port the kernel picks when the program binds: nothing to race for.
constexpr const char* kAnyPort = "tcp://127.0.0.1:*";

TEST(PipelineIsolation, ASecondVentilatorOrSinkOnADataDirInUseRefusesToStart) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  const auto data_dir = pipeline.data_dir().string();

  const auto ventilator = run_program(
      {program("zpipe-ventilator"), "--data-dir", data_dir, "--submit", kAnyPort, "--jobs",
       kAnyPort, "--acks", kAnyPort, "--events-in", kAnyPort, "--events-out", kAnyPort},
      30s);
  EXPECT_EQ(ventilator.exit_code, 1) << ventilator.err;
  EXPECT_NE(ventilator.err.find("in use by another ventilator (pid " +
                                std::to_string(pipeline.ventilator().pid())),
            std::string::npos)
      << ventilator.err;

  const auto sink = run_program(
      {program("zpipe-sink"), "--data-dir", data_dir, "--outcomes", kAnyPort, "--acks-to",
       pipeline.endpoints().acks, "--events-to", pipeline.endpoints().events_in},
      30s);
  EXPECT_EQ(sink.exit_code, 1) << sink.err;
  EXPECT_NE(sink.err.find("in use by another sink (pid " + std::to_string(pipeline.sink().pid())),
            std::string::npos)
      << sink.err;

  // The pipeline that holds the directory goes on as before.
  auto client = pipeline.client();
  const auto id = client.submit(JobSpec{"echo", Payload::from_json({{"n", 1}}), 0, 0});
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(1, 30s));
  EXPECT_TRUE(pipeline.store()->find(id.value()).value().has_value());
  EXPECT_TRUE(pipeline.exited_programs().empty());
  EXPECT_TRUE(pipeline.stop());
}

TEST(PipelineIsolation, EveryReplyNamesThePipelineAndAClientMeaningAnotherIsRefused) {
  TestPipeline first(TestPipelineOptions(1, 1));
  TestPipeline second(TestPipelineOptions(0, 1));
  auto client = first.client();
  const auto report = client.status_report();
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto identity = report.value().pipeline;
  EXPECT_EQ(identity.size(), 16u) << identity;
  const auto other = second.client().status_report().value().pipeline;
  EXPECT_NE(other, identity);
  ASSERT_TRUE(client.submit(JobSpec{"echo", Payload::from_json(1), 0, 0}).ok());
  EXPECT_EQ(client.pipeline(), identity) << "the accepted reply names it too";

  // The identity is the journal's: a restarted ventilator keeps it.
  first.crash_and_restart_ventilator();
  EXPECT_EQ(first.client().status_report().value().pipeline, identity);

  // A client meaning the second pipeline, pointed at the first by mistake, does nothing there.
  auto config = ClientConfig::to(first.endpoints().submit, 10s);
  config.pipeline = other;
  Client mistaken(config);
  const auto accepted_before = client.status().value().accepted;
  const auto refused = mistaken.submit(JobSpec{"echo", Payload::from_json(2), 0, 0});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kWrongPipeline);
  EXPECT_NE(
      refused.error().message.find("this is pipeline " + identity + ", not pipeline " + other),
      std::string::npos)
      << refused.error().message;
  EXPECT_EQ(client.status().value().accepted, accepted_before) << "nothing was accepted";
  // Answers to requests that change nothing are checked by the client.
  const auto status = mistaken.status();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("is pipeline " + identity + ", not pipeline " + other),
            std::string::npos)
      << status.error().message;
  const auto retry = run_program({program("zpipe"), "retry", "--dead", "--ventilator",
                                  first.endpoints().submit, "--pipeline", other},
                                 30s);
  EXPECT_EQ(retry.exit_code, 1) << retry.out << retry.err;
  EXPECT_NE(retry.err.find("not pipeline " + other), std::string::npos) << retry.err;
  EXPECT_EQ(first.client().status().value().accepted, accepted_before);
  EXPECT_TRUE(first.stop());
  EXPECT_TRUE(second.stop());
}

TEST(PipelineIsolation, UpOnPortsInUseSaysSoBeforeAnnouncingAnything) {
  TempDir dir;
  // Six consecutive ports, all held here (others than these could be taken meanwhile).
  int base = 0;
  std::vector<std::unique_ptr<LoopbackListener>> taken;
  for (int attempt = 0; attempt < 5 && taken.size() < 6; ++attempt) {
    base = free_consecutive_ports(6);
    taken.clear();
    for (int port = base; port < base + 6; ++port) {
      taken.push_back(std::make_unique<LoopbackListener>(port));
      if (!taken.back()->is_listening()) break;
    }
    if (!taken.back()->is_listening()) taken.clear();
  }
  ASSERT_EQ(taken.size(), 6u) << "could not hold six consecutive ports";

  const auto up = run_program({program("zpipe"), "up", "--port-base", std::to_string(base),
                               "--data-dir", (dir.path() / "data").string()},
                              30s);
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;
  EXPECT_EQ(up.out.find("zpipe is up"), std::string::npos) << up.out;
  EXPECT_NE(up.err.find("port " + std::to_string(base) + " of " + std::to_string(base) + "-" +
                        std::to_string(base + 5) + " is in use"),
            std::string::npos)
      << up.err;
  EXPECT_NE(up.err.find("give another --port-base, e.g. --port-base "), std::string::npos)
      << up.err;
}

TEST(PipelineIsolation, TheDemoRunsOnSocketsOfItsOwnBesideAPipelineOnTheDefaultPorts) {
  TempDir dir;
  // Whatever holds zpipe's default ports (here bare listeners, as a `zpipe up` would).
  std::vector<std::unique_ptr<LoopbackListener>> listeners;
  for (int port = 5570; port < 5576; ++port) {
    listeners.push_back(std::make_unique<LoopbackListener>(port));
  }
  const auto demo = run_program(
      {program("zpipe"), "demo", "--jobs", "20", "--data-dir", (dir.path() / "data").string()},
      120s);
  listeners.clear();
  EXPECT_EQ(demo.exit_code, 0) << demo.out << demo.err;
  EXPECT_NE(demo.out.find("20 sample jobs"), std::string::npos) << demo.out;
}

}  // namespace
}  // namespace zpipe::test
