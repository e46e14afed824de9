// zpipe-monitor tail against a running pipeline: a line per event from every component.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "front/free_ports.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(MonitorTail, JsonLinesCoverEveryComponentAndJobEvent) {
  TestPipeline pipeline(TestPipelineOptions(1));
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--verbose", "--events-from",
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
    const auto name = event["name"].get<std::string>();
    names.insert(name);
    EXPECT_GT(event["seq"].get<std::uint64_t>(), 0u);
    // Numbers are JSON numbers, text is text.
    const auto& fields = event["fields"];
    if (name == "job.succeeded" || name == "job.failed") {
      EXPECT_TRUE(fields["attempt"].is_number_unsigned()) << line;
      EXPECT_TRUE(fields["us"].is_number_unsigned()) << line;
      EXPECT_TRUE(fields["job"].is_string()) << line;
      EXPECT_TRUE(fields["type"].is_string()) << line;
    }
    if (name == "ventilator.state") {
      EXPECT_TRUE(fields["accepted"].is_number_unsigned()) << line;
      EXPECT_TRUE(fields["pending"].is_number_unsigned()) << line;
    }
    if (name == "worker.heartbeat") {
      EXPECT_TRUE(fields["busy_pct"].is_number_unsigned()) << line;
      EXPECT_TRUE(fields["state"].is_string()) << line;
    }
  }
  for (const char* name :
       {"job.accepted", "job.started", "job.succeeded", "job.failed", "worker.up",
        "worker.heartbeat", "worker.down", "ventilator.state", "sink.state"}) {
    EXPECT_EQ(names.count(name), 1u) << "no " << name << " event";
  }
}

TEST(MonitorTail, WorkersGivenOneNameAreToldApartByHostAndPid) {
  TestPipeline pipeline(TestPipelineOptions(0));
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--verbose", "--events-from",
                     pipeline.endpoints().events_out},
                    ChildOptions{pipeline.dir() / "tail.out", pipeline.dir() / "tail.log", {}});
  const auto read_tail = [&] { return read_text(pipeline.dir() / "tail.out"); };
  ASSERT_TRUE(
      wait_until([&] { return read_tail().find("ventilator.state") != std::string::npos; }, 10s));
  pipeline.add_worker({"--name", "thumbs"});
  pipeline.add_worker({"--name", "thumbs"});
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  const std::set<std::string> expected{
      "worker thumbs " + std::string(host) + ":" + std::to_string(pipeline.worker(0).pid()),
      "worker thumbs " + std::string(host) + ":" + std::to_string(pipeline.worker(1).pid())};
  // Each worker's events under its own source, numbered from 1 without a gap: heartbeats
  // after worker.up.
  std::map<std::string, std::vector<std::uint64_t>> seqs_by_source;
  const auto read_seqs = [&] {
    seqs_by_source.clear();
    auto text = read_tail();
    text.erase(text.rfind('\n') + 1);  // a line being written is read next time
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const auto event = nlohmann::json::parse(line);
      const auto source = event["source"].get<std::string>();
      if (source.rfind("worker ", 0) == 0) {
        seqs_by_source[source].push_back(event["seq"].get<std::uint64_t>());
      }
    }
    for (const auto& source : expected) {
      if (seqs_by_source[source].size() < 3) return false;
    }
    return true;
  };
  ASSERT_TRUE(wait_until(read_seqs, 15s)) << read_tail();
  EXPECT_EQ(seqs_by_source.size(), 2u) << read_tail();
  for (const auto& source : expected) {
    const auto& seqs = seqs_by_source[source];
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      EXPECT_EQ(seqs[i], i + 1) << source << "\n" << read_tail();
    }
  }
  EXPECT_TRUE(pipeline.stop());
  tail.stop(5s);
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

JobSpec in_queue(JobSpec spec, const std::string& queue) {
  spec.queue = queue;
  return spec;
}

// The JSON events of `text`, whole lines only (one being written is read next time).
std::vector<nlohmann::json> json_events(std::string text) {
  text.erase(text.rfind('\n') + 1);
  std::vector<nlohmann::json> events;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) events.push_back(nlohmann::json::parse(line));
  return events;
}

bool has_event(const std::vector<nlohmann::json>& events, const std::string& name,
               const std::string& job) {
  return std::any_of(events.begin(), events.end(), [&](const nlohmann::json& e) {
    return e["name"] == name && e["fields"].value("job", "") == job;
  });
}

TEST(MonitorTail, QueueShowsTheEventsOfItsJobsOnlyCancelsIncluded) {
  TestPipeline pipeline(TestPipelineOptions(1));
  const auto out = pipeline.dir() / "mail.out";
  ChildProcess tail({program("zpipe-monitor"), "tail", "--json", "--queue", "mail", "--events-from",
                     pipeline.endpoints().events_out},
                    ChildOptions{out, pipeline.dir() / "mail.log", {}});
  const auto events = [&] { return json_events(read_text(out)); };
  auto client = pipeline.client();
  // Joined once the hub forwards to it: probe with jobs of the queue until one shows.
  ASSERT_TRUE(wait_until(
      [&] {
        (void)client.submit(in_queue(JobSpec{"echo", Payload::from_json("probe"), 0, 0}, "mail"));
        return !events().empty();
      },
      15s, 300ms));
  // A job of another queue, finished before the one of "mail" starts: the single worker and the
  // ventilator publish in order, so its events would be in before the mail job's.
  const auto other = client.submit(in_queue(JobSpec{"echo", Payload::from_json(1), 0, 0}, "bulk"));
  ASSERT_TRUE(other.ok());
  const auto in_default = client.submit(JobSpec{"echo", Payload::from_json(2), 0, 0});
  ASSERT_TRUE(in_default.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto states = client.job_statuses({other.value(), in_default.value()});
        return states.ok() &&
               std::all_of(states.value().begin(), states.value().end(),
                           [](const JobStatus& s) { return s.state == JobState::kSucceeded; });
      },
      10s));
  const auto mail = client.submit(in_queue(JobSpec{"echo", Payload::from_json(3), 0, 0}, "mail"));
  ASSERT_TRUE(mail.ok());
  // A running job of the queue, cancelled: its worker's job.cancelled says so.
  const auto long_one =
      client.submit(in_queue(JobSpec{"sleep", Payload::from_json({{"ms", 30000}}), 0, 0}, "mail"));
  ASSERT_TRUE(long_one.ok());
  ASSERT_TRUE(wait_until([&] { return has_event(events(), "job.started", long_one.value()); }, 10s))
      << read_text(out);
  ASSERT_TRUE(client.cancel({long_one.value()}, "alice@web1").ok());
  ASSERT_TRUE(
      wait_until([&] { return has_event(events(), "job.cancelled", long_one.value()); }, 10s))
      << read_text(out);
  tail.stop(5s);

  const auto shown = events();
  for (const char* name : {"job.accepted", "job.started", "job.succeeded"}) {
    EXPECT_TRUE(has_event(shown, name, mail.value())) << name << " of the mail job\n"
                                                      << read_text(out);
  }
  for (const auto& event : shown) {
    EXPECT_EQ(event["fields"]["queue"], "mail") << event.dump();
    EXPECT_NE(event["fields"]["job"], other.value()) << "a job of bulk: " << event.dump();
    EXPECT_NE(event["fields"]["job"], in_default.value()) << "a job of default: " << event.dump();
  }
  const auto cancelled = std::find_if(shown.begin(), shown.end(), [&](const nlohmann::json& e) {
    return e["name"] == "job.cancelled" && e["fields"]["job"] == long_one.value();
  });
  ASSERT_NE(cancelled, shown.end());
  EXPECT_EQ((*cancelled)["fields"]["code"], "cancelled");
  EXPECT_EQ((*cancelled)["fields"]["error"], "cancelled by alice@web1");
  EXPECT_EQ((*cancelled)["fields"]["type"], "sleep");

  // The default queue's events carry no queue field: --queue default shows them.
  const auto default_out = pipeline.dir() / "default.out";
  ChildProcess default_tail({program("zpipe-monitor"), "tail", "--json", "--queue", "default",
                             "--events-from", pipeline.endpoints().events_out},
                            ChildOptions{default_out, pipeline.dir() / "default.log", {}});
  ASSERT_TRUE(wait_until(
      [&] {
        (void)client.submit(JobSpec{"echo", Payload::from_json("probe"), 0, 0});
        return !json_events(read_text(default_out)).empty();
      },
      15s, 300ms));
  default_tail.stop(5s);
  for (const auto& event : json_events(read_text(default_out))) {
    EXPECT_FALSE(event["fields"].contains("queue")) << event.dump();
  }
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
      during.push_back(h["fields"]["busy_pct"].get<int>());
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

TEST(MonitorTail, HidesHeartbeatsAndStateSnapshotsUnlessVerbose) {
  TestPipeline pipeline(TestPipelineOptions(1));
  const auto dir = pipeline.dir();
  auto tail_to = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> argv{program("zpipe-monitor"), "tail", "--events-from",
                                  pipeline.endpoints().events_out};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return ChildProcess(argv, ChildOptions{dir / (name + ".out"), dir / (name + ".err"), {}});
  };
  auto quiet = tail_to("quiet", {});
  auto verbose = tail_to("verbose", {"-v"});
  // Both are connected once the verbose one shows the periodic events.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto text = read_text(dir / "verbose.out");
        return count_of(text, "ventilator.state") >= 3 && count_of(text, "worker.heartbeat") >= 3 &&
               count_of(text, "sink.state") >= 3;
      },
      15s))
      << read_text(dir / "verbose.out");
  ASSERT_TRUE(pipeline.client().submit({JobSpec{"echo", Payload::from_json(1), 0, 0}}).ok());
  ASSERT_TRUE(wait_until(
      [&] { return read_text(dir / "quiet.out").find("job.succeeded") != std::string::npos; }, 10s))
      << read_text(dir / "quiet.out");
  // Two subscribers, each at its own pace: the verbose one may print it a moment later.
  EXPECT_TRUE(wait_until(
      [&] { return read_text(dir / "verbose.out").find("job.succeeded") != std::string::npos; },
      10s))
      << read_text(dir / "verbose.out");
  const auto quiet_text = read_text(dir / "quiet.out");
  for (const char* periodic : {"worker.heartbeat", "ventilator.state", "sink.state"}) {
    EXPECT_EQ(quiet_text.find(periodic), std::string::npos) << periodic << " in\n" << quiet_text;
  }
  EXPECT_NE(quiet_text.find("job.accepted"), std::string::npos) << quiet_text;
  // A pipeline that publishes is not reported silent.
  EXPECT_EQ(read_text(dir / "quiet.err").find("nothing is publishing"), std::string::npos)
      << read_text(dir / "quiet.err");
  quiet.stop(5s);
  verbose.stop(5s);
  EXPECT_TRUE(pipeline.stop());
}

TEST(MonitorTail, SaysOnStderrWhenNothingIsPublishingAndKeepsWaiting) {
  TempDir dir;
  const auto endpoint = "tcp://127.0.0.1:" + std::to_string(free_tcp_ports(1).front());
  ChildProcess tail({program("zpipe-monitor"), "tail", "--events-from", endpoint},
                    ChildOptions{dir.path() / "tail.out", dir.path() / "tail.err", {}});
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until(
      [&] {
        return read_text(dir.path() / "tail.err").find("nothing is publishing at " + endpoint) !=
               std::string::npos;
      },
      10s))
      << read_text(dir.path() / "tail.err");
  const auto after = std::chrono::steady_clock::now() - started;
  EXPECT_GE(after, 2s) << "not before a pipeline had a fair chance to answer";
  EXPECT_LE(after, 6s);
  const auto err = read_text(dir.path() / "tail.err");
  // One line (the rest of stderr is the log).
  EXPECT_EQ(count_of(err, "zpipe-monitor tail: "), 1u) << err;
  EXPECT_NE(err.find("still waiting\n"), std::string::npos) << err;
  EXPECT_NE(err.find("ventilator"), std::string::npos) << err;
  EXPECT_EQ(read_text(dir.path() / "tail.out"), "") << "stdout stays for events";
  // It keeps waiting: still running, and still one line.
  EXPECT_FALSE(wait_until([&] { return tail.has_exited(); }, 1s));
  EXPECT_EQ(count_of(read_text(dir.path() / "tail.err"), "zpipe-monitor tail: "), 1u);
  EXPECT_EQ(WEXITSTATUS(tail.stop(5s)), 0);
}

}  // namespace
}  // namespace zpipe::test
