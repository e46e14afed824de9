// zpipe-monitor tail against a running pipeline: a line per event from every component.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

TEST(MonitorTail, JsonLinesCoverEveryComponentAndJobEvent) {
  TestPipeline pipeline(TestPipelineOptions(1));
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--events-from",
                     pipeline.endpoints().events_out},
                    ChildOptions{pipeline.dir() / "tail.out", pipeline.dir() / "tail.log", {}});
  auto read_tail = [&] {
    std::ifstream in(pipeline.dir() / "tail.out");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  // Joined once the periodic state events show up.
  ASSERT_TRUE(
      wait_until([&] { return read_tail().find("ventilator.state") != std::string::npos; }, 10s));
  auto client = pipeline.client();
  ASSERT_TRUE(
      client.submit({JobSpec{"echo", Payload::from_json(1), 0, 0}, JobSpec{"fail", {}, 0, 0}})
          .ok());
  ASSERT_TRUE(pipeline.wait_for_finished(2, 20s));
  pipeline.add_worker();  // worker.up of a worker that starts while the monitor watches
  ASSERT_TRUE(wait_until(
      [&] {
        const auto text = read_tail();
        return text.find("worker.up") != std::string::npos &&
               text.find("sink.state") != std::string::npos &&
               text.find("job.failed") != std::string::npos;
      },
      10s))
      << read_tail();
  EXPECT_TRUE(pipeline.stop());
  ASSERT_TRUE(wait_until([&] { return read_tail().find("worker.down") != std::string::npos; }, 5s));
  tail.stop(5s);

  std::set<std::string> names;
  std::istringstream lines(read_tail());
  std::string line;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);  // throws, failing the test, if not JSON
    names.insert(event["name"].get<std::string>());
    EXPECT_GT(event["seq"].get<std::uint64_t>(), 0u);
  }
  for (const char* name :
       {"job.accepted", "job.started", "job.succeeded", "job.failed", "worker.up",
        "worker.heartbeat", "worker.down", "ventilator.state", "sink.state"}) {
    EXPECT_EQ(names.count(name), 1u) << "no " << name << " event";
  }
}

TEST(MonitorTail, FiltersByStatusAndType) {
  TestPipeline pipeline(TestPipelineOptions(1));
  const auto out = pipeline.dir() / "failed.out";
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--status", "failed", "--type",
                     "fail", "--events-from", pipeline.endpoints().events_out},
                    ChildOptions{out, pipeline.dir() / "failed.log", {}});
  auto read = [&] {
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  // Joined once the hub forwards to it: probe with failing jobs until one shows.
  auto client = pipeline.client();
  ASSERT_TRUE(wait_until(
      [&] {
        (void)client.submit({JobSpec{"fail", Payload::from_json("probe"), 0, 0}});
        return read().find("job.failed") != std::string::npos;
      },
      15s, 300ms));
  ASSERT_TRUE(
      client
          .submit({JobSpec{"echo", {}, 0, 0}, JobSpec{"exec", Payload::from_json({"false"}), 0, 0},
                   JobSpec{"fail", Payload::from_json("the one"), 0, 0}})
          .ok());
  ASSERT_TRUE(wait_until([&] { return read().find("the one") != std::string::npos; }, 10s))
      << read();
  tail.stop(5s);
  std::istringstream lines(read());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    EXPECT_EQ(event["name"], "job.failed") << line;
    EXPECT_EQ(event["fields"]["type"], "fail") << "the failed exec job is filtered out: " << line;
    ++count;
  }
  EXPECT_GE(count, 2);
  EXPECT_TRUE(pipeline.stop());
}

TEST(MonitorTail, HeartbeatsReportTheShareOfSlotTimeSpentOnJobs) {
  TestPipeline pipeline(TestPipelineOptions(1, 2));
  const auto out = pipeline.dir() / "heartbeats.out";
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--status", "heartbeat",
                     "--events-from", pipeline.endpoints().events_out},
                    ChildOptions{out, pipeline.dir() / "heartbeats.log", {}});
  auto heartbeats = [&] {
    std::vector<nlohmann::json> all;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) all.push_back(nlohmann::json::parse(line));
    return all;
  };
  ASSERT_TRUE(wait_until([&] { return !heartbeats().empty(); }, 10s));
  // One slot of two sleeps for 4 s: the heartbeats in between say about half.
  auto id = pipeline.client().submit(JobSpec{"sleep", Payload::from_json({{"ms", 4000}}), 0, 0});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s));
  tail.stop(5s);
  std::vector<int> during;
  for (const auto& h : heartbeats()) {
    if (h["fields"].value("job", "") == id.value() && h["fields"]["job_type"] == "sleep") {
      during.push_back(std::stoi(h["fields"]["busy_pct"].get<std::string>()));
    }
  }
  ASSERT_GE(during.size(), 2u);
  // The first heartbeat may cover the job's start, part of an interval: look at the others.
  for (std::size_t i = 1; i < during.size(); ++i) {
    EXPECT_GE(during[i], 40) << "heartbeat " << i;
    EXPECT_LE(during[i], 60) << "heartbeat " << i;
  }
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
