// zpipe-monitor top in a real terminal (tmux) while jobs flow: the counts move, end equal to
// what the sink recorded, and a dashboard started afterwards shows the same totals.
#include <signal.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "front/free_ports.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/tmux_session.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

struct ScreenTotals {
  std::uint64_t accepted = 0, succeeded = 0, dead = 0;
};

// The totals line, with its full labels or (narrow screens) its short ones.
std::optional<ScreenTotals> totals_on(const std::string& screen) {
  static const std::regex totals(R"((?:accepted|acc) (\d+)  (?:succeeded|done) (\d+)  dead (\d+))");
  std::smatch m;
  if (!std::regex_search(screen, m, totals)) return std::nullopt;
  return ScreenTotals{std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3])};
}

std::vector<JobSpec> batch(int n) {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 0) {
      jobs.push_back(
          JobSpec{"fail", Payload::from_json({{"message", "no luck " + std::to_string(i)}}), 0, 0});
    } else {
      jobs.push_back(JobSpec{"sleep", Payload::from_json({{"ms", 2}}), 0, 0});
    }
  }
  return jobs;
}

// Runs `argv`, then prints its exit status and the terminal's settings, and stays on screen.
std::vector<std::string> then_show_the_terminal(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& word : argv) command += "'" + word + "' ";
  // The shell ignores Ctrl-C so that it outlives the program; the program sets its own handler.
  return {"sh", "-c", "trap '' INT; " + command + "; echo EXIT $?; stty -a; sleep 60"};
}

// The dashboard ended with 0 and left the terminal as it found it (canonical mode, echo).
bool exited_and_restored(const std::string& screen) {
  return screen.find("EXIT 0") != std::string::npos &&
         screen.find(" icanon") != std::string::npos && screen.find(" echo ") != std::string::npos;
}

// zpipe-monitor top on `pipeline`: its events, and its ventilator for the queues.
std::vector<std::string> top_of(const TestPipeline& pipeline) {
  return {program("zpipe-monitor"),        "top",          "--events-from",
          pipeline.endpoints().events_out, "--ventilator", pipeline.endpoints().submit};
}

class MonitorTop : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(MonitorTop, CountsMoveAndEndEqualToTheSinks) {
  const auto [width, height] = GetParam();
  TestPipeline pipeline(TestPipelineOptions(2, 2));
  TmuxSession top(top_of(pipeline), width, height);
  EXPECT_EQ(top.size(), std::to_string(width) + "x" + std::to_string(height));
  ASSERT_TRUE(wait_until([&] { return totals_on(top.screen()).has_value(); }, 15s)) << top.screen();

  auto client = pipeline.client();
  constexpr int kJobs = 3000;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.submit(batch(kJobs / 3)).ok());
  // While they run, the finished count on screen grows.
  std::set<std::uint64_t> seen;
  const bool moving = wait_until(
      [&] {
        if (const auto t = totals_on(top.screen())) seen.insert(t->succeeded + t->dead);
        return seen.size() >= 3;
      },
      30s, 100ms);
  EXPECT_TRUE(moving) << "the counts did not move; last screen:\n" << top.screen();
  ASSERT_TRUE(pipeline.wait_for_finished(kJobs, 120s));

  const auto store_totals = pipeline.store()->totals().value();
  ASSERT_EQ(store_totals.succeeded + store_totals.failed, static_cast<std::uint64_t>(kJobs));
  auto shows_the_sinks_totals = [&](const TmuxSession& session) {
    const auto t = totals_on(session.screen());
    return t && t->accepted == kJobs && t->succeeded == store_totals.succeeded &&
           t->dead == store_totals.failed;
  };
  EXPECT_TRUE(wait_until([&] { return shows_the_sinks_totals(top); }, 10s)) << top.screen();
  const auto screen = top.screen();
  EXPECT_NE(screen.find("WORKERS (2)"), std::string::npos) << screen;
  EXPECT_NE(screen.find("no luck"), std::string::npos) << "recent failures shown:\n" << screen;

  // A dashboard that joins after the work is done shows the same picture within seconds.
  TmuxSession late(top_of(pipeline), width, height);
  EXPECT_TRUE(wait_until([&] { return shows_the_sinks_totals(late); }, 5s)) << late.screen();
  EXPECT_TRUE(
      wait_until([&] { return late.screen().find("WORKERS (2)") != std::string::npos; }, 5s))
      << late.screen();

  // 'f' shows the failures, 'q' quits.
  top.send_keys({"f"});
  EXPECT_TRUE(wait_until([&] { return top.screen().find("FAILURES (") != std::string::npos; }, 5s))
      << top.screen();
  top.send_keys({"q"});
  EXPECT_TRUE(wait_until([&] { return totals_on(top.screen()) == std::nullopt; }, 5s))
      << top.screen();
  EXPECT_TRUE(pipeline.stop());
}

INSTANTIATE_TEST_SUITE_P(Sizes, MonitorTop,
                         ::testing::Values(std::pair{80, 24}, std::pair{120, 40}),
                         [](const ::testing::TestParamInfo<std::pair<int, int>>& size) {
                           return std::to_string(size.param.first) + "x" +
                                  std::to_string(size.param.second);
                         });

// The queues panel: each queue's line as the dashboard lays it out, "mail   12   0   0   4m
// paused".
std::optional<std::smatch> queue_line(const std::string& screen, const std::string& queue) {
  const std::regex line("(^|\n)" + queue +
                        R"( +(\d+) +(\d+) +(\d+) +(\S+)( +paused)?( +[^\n]*)?(\n|$))");
  std::smatch m;
  if (!std::regex_search(screen, m, line)) return std::nullopt;
  return m;
}

class MonitorTopQueues : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(MonitorTopQueues, ShowsAPausedQueueWithItsPendingJobsItsLimitAndTypesWithoutAWorker) {
  const auto [width, height] = GetParam();
  TestPipeline pipeline(TestPipelineOptions(1));
  auto client = pipeline.client();
  ASSERT_TRUE(client.pause("mail").ok());
  ASSERT_TRUE(client.set_limit("queue:mail=concurrency:2").ok());
  std::vector<JobSpec> mail;
  for (int i = 0; i < 12; ++i) {
    JobSpec job{"echo", Payload::from_json(i), 0, 0};
    job.queue = "mail";
    mail.push_back(std::move(job));
  }
  ASSERT_TRUE(client.submit(mail).ok());
  // A type no worker handles: its jobs wait, and the dashboard says why.
  JobSpec word_count{"word_count", Payload::from_json({{"text", "a b"}}), 0, 0};
  word_count.queue = "bulk";
  ASSERT_TRUE(client.submit({word_count, word_count, word_count}).ok());

  TmuxSession top(top_of(pipeline), width, height);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto screen = top.screen();
        return queue_line(screen, "mail") && screen.find("WORKERS (1)") != std::string::npos;
      },
      15s))
      << top.screen();
  auto screen = top.screen();
  const auto paused = *queue_line(screen, "mail");
  EXPECT_EQ(paused[2], "12") << "pending:\n" << screen;
  EXPECT_EQ(paused[3], "0") << "running:\n" << screen;
  EXPECT_NE(paused.str(6).find("paused"), std::string::npos) << screen;
  EXPECT_NE(paused.str(7).find("concurrency:2"), std::string::npos) << "its limit:\n" << screen;
  const auto bulk = queue_line(screen, "bulk");
  ASSERT_TRUE(bulk) << screen;
  EXPECT_EQ((*bulk)[2], "3") << screen;
  EXPECT_NE(screen.find("QUEUES (2)"), std::string::npos) << screen;
  EXPECT_NE(screen.find("! 3 jobs of type word_count wait: no connected worker handles word_count"),
            std::string::npos)
      << screen;

  // Resumed, the mail jobs run and the queue leaves the panel.
  ASSERT_TRUE(client.resume("mail").ok());
  ASSERT_TRUE(pipeline.wait_for_finished(12, 20s));
  EXPECT_TRUE(wait_until([&] { return !queue_line(top.screen(), "mail"); }, 5s)) << top.screen();
  EXPECT_TRUE(queue_line(top.screen(), "bulk")) << top.screen();
  top.send_keys({"q"});
  EXPECT_TRUE(pipeline.stop());
}

INSTANTIATE_TEST_SUITE_P(Sizes, MonitorTopQueues,
                         ::testing::Values(std::pair{80, 24}, std::pair{160, 50}),
                         [](const ::testing::TestParamInfo<std::pair<int, int>>& size) {
                           return std::to_string(size.param.first) + "x" +
                                  std::to_string(size.param.second);
                         });

TEST(MonitorTopInterrupted, CtrlCRestoresTheTerminal) {
  TestPipeline pipeline(TestPipelineOptions(0));
  TmuxSession top(then_show_the_terminal(top_of(pipeline)), 80, 24);
  ASSERT_TRUE(wait_until([&] { return totals_on(top.screen()).has_value(); }, 15s)) << top.screen();
  top.send_keys({"C-c"});
  EXPECT_TRUE(wait_until([&] { return exited_and_restored(top.screen()); }, 5s)) << top.screen();
}

TEST(UpWithTop, CtrlCStopsThePipelineAndRestoresTheTerminal) {
  TempDir dir;
  // On six ports free a moment ago; again on others if another process took one meanwhile.
  std::optional<TmuxSession> up;
  for (int attempt = 0; attempt < 5; ++attempt) {
    up.emplace(then_show_the_terminal({program("zpipe"), "up", "--top", "--workers", "1",
                                       "--port-base", std::to_string(free_consecutive_ports(6)),
                                       "--data-dir", dir.path().string()}),
               80, 24);
    ASSERT_TRUE(wait_until(
        [&] {
          const auto screen = up->screen();
          return screen.find("WORKERS (1)") != std::string::npos ||
                 screen.find("is in use") != std::string::npos;
        },
        15s))
        << up->screen();
    if (up->screen().find("WORKERS (1)") != std::string::npos) break;
  }
  ASSERT_NE(up->screen().find("WORKERS (1)"), std::string::npos) << up->screen();
  up->send_keys({"C-c"});
  EXPECT_TRUE(wait_until([&] { return exited_and_restored(up->screen()); }, 20s)) << up->screen();
  EXPECT_NE(up->screen().find("stopping..."), std::string::npos) << up->screen();
  // Every program of the pipeline logged its clean stop.
  std::ifstream log(dir.path() / "zpipe.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  for (const char* line : {"zpipe-worker", "zpipe-sink", "zpipe-ventilator"}) {
    EXPECT_NE(text.find(std::string(line)), std::string::npos) << text;
  }
  EXPECT_NE(text.find("stopped: 0 succeeded"), std::string::npos) << text;
  EXPECT_NE(text.find("stopping: accepted 0"), std::string::npos) << text;
}

// The screen's lines, the first `rows` of them.
std::string first_rows(const std::string& screen, int rows) {
  std::size_t end = 0;
  for (int i = 0; i < rows && end != std::string::npos; ++i) end = screen.find('\n', end + 1);
  return screen.substr(0, end);
}

std::vector<JobSpec> echoes(int n) {
  std::vector<JobSpec> jobs;
  for (int i = 0; i < n; ++i) jobs.push_back(JobSpec{"echo", Payload::from_json(i), 0, 0});
  return jobs;
}

TEST(MonitorTopPaused, HoldsTheScreenWhileJobsFinishScrollingIncluded) {
  TestPipeline pipeline(TestPipelineOptions(2));
  const auto argv = top_of(pipeline);
  TmuxSession top(argv, 80, 24);
  TmuxSession reference(argv, 80, 24);  // never paused: shows when the new jobs are counted
  auto client = pipeline.client();
  ASSERT_TRUE(client.submit(echoes(10)).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(10, 20s));
  auto shows_done = [](const TmuxSession& session, std::uint64_t done) {
    const auto t = totals_on(session.screen());
    return t && t->succeeded == done;
  };
  ASSERT_TRUE(wait_until([&] { return shows_done(top, 10) && shows_done(reference, 10); }, 10s))
      << top.screen();
  ASSERT_TRUE(wait_until([&] { return top.screen().find("WORKERS (2)") != std::string::npos; }, 5s))
      << top.screen();

  top.send_keys({"p"});
  ASSERT_TRUE(wait_until([&] { return top.screen().find("PAUSED") != std::string::npos; }, 5s))
      << top.screen();
  const auto paused = top.screen();
  ASSERT_TRUE(client.submit(echoes(20)).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(30, 20s));
  ASSERT_TRUE(wait_until([&] { return shows_done(reference, 30); }, 10s)) << reference.screen();
  // The clock, the counts, the ages: all as they were.
  EXPECT_EQ(top.screen(), paused);

  // Scrolling shows the held rows: the same title and totals, the second worker first.
  top.send_keys({"Down"});
  ASSERT_TRUE(wait_until([&] { return top.screen() != paused; }, 5s)) << top.screen();
  const auto scrolled = top.screen();
  EXPECT_EQ(first_rows(scrolled, 4), first_rows(paused, 4)) << scrolled;
  top.send_keys({"NPage"});
  top.send_keys({"Up"});
  ASSERT_TRUE(wait_until([&] { return top.screen() == paused; }, 5s))
      << "back at the top, the held screen:\n"
      << top.screen();
  EXPECT_TRUE(shows_done(top, 10)) << top.screen();

  // Unpaused: the present.
  top.send_keys({"p"});
  EXPECT_TRUE(wait_until([&] { return shows_done(top, 30); }, 5s)) << top.screen();
  EXPECT_EQ(top.screen().find("PAUSED"), std::string::npos) << top.screen();
  EXPECT_TRUE(pipeline.stop());
}

// The event hub lives in the ventilator: with it gone nothing arrives, and the workers, which
// may be fine, must not be shown vanished; the dashboard names the ventilator instead.
TEST(MonitorTopVentilatorDown, NamesTheVentilatorAndShowsNoWorkerVanished) {
  TestPipeline pipeline(TestPipelineOptions(2));
  TmuxSession top(top_of(pipeline), 80, 24);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto screen = top.screen();
        return totals_on(screen) && screen.find("WORKERS (2)") != std::string::npos;
      },
      15s))
      << top.screen();
  pipeline.ventilator().send_signal(SIGKILL);
  // Well past three heartbeats of silence.
  static const std::regex quiet_for(R"(not answering for ([6-9]|\d\d+) s)");
  ASSERT_TRUE(wait_until([&] { return std::regex_search(top.screen(), quiet_for); }, 20s))
      << top.screen();
  const auto screen = top.screen();
  EXPECT_NE(screen.find("! ventilator not answering for"), std::string::npos) << screen;
  EXPECT_NE(screen.find("(it hosts the event hub)"), std::string::npos) << "whole at 80:\n"
                                                                        << screen;
  EXPECT_EQ(screen.find("vanished"), std::string::npos) << screen;
  EXPECT_EQ(pipeline.exited_programs().size(), 1u) << "the workers still run";
}

// Sends `request` to the ventilator's submit endpoint on a DEALER of its own; the one id its
// `accepted` answer gives, or "" when refused or unanswered within 10 s.
std::string accepted_id(const std::string& submit_endpoint, const std::string& request) {
  zmq::context_t context;
  zmq::socket_t producer(context, zmq::socket_type::dealer);
  producer.set(zmq::sockopt::linger, 0);
  producer.set(zmq::sockopt::rcvtimeo, 10'000);
  producer.connect(submit_endpoint);
  producer.send(zmq::buffer(request));
  zmq::message_t reply;
  if (!producer.recv(reply)) return "";
  auto decoded = decode(reply.to_string_view());
  const auto* accepted = decoded.ok() ? std::get_if<SubmitAccepted>(&decoded.value()) : nullptr;
  return accepted != nullptr && accepted->ids.size() == 1 ? accepted->ids[0] : "";
}

// A batch's row in the batches panel: "ID  DESCRIPTION  BAR  ENDED/TOTAL  DEAD  STATE".
bool shows_batch(const std::string& screen, const std::string& id, const std::string& rest) {
  return std::regex_search(screen, std::regex("(^|\n)" + id + " +nightly report +\\S+ +" + rest));
}

TEST(MonitorTopBatches, ShowsABatchWhileOpenAndDoneOnceSealed) {
  TestPipeline pipeline(TestPipelineOptions(1));
  TmuxSession top(top_of(pipeline), 80, 24);
  ASSERT_TRUE(wait_until([&] { return top.screen().find("QUEUES") != std::string::npos; }, 15s))
      << top.screen();
  EXPECT_EQ(top.screen().find("BATCHES"), std::string::npos) << "none yet:\n" << top.screen();

  const auto submit = pipeline.endpoints().submit;
  const auto batch = accepted_id(submit, encode(BatchOpen{1, "nightly report"}));
  ASSERT_FALSE(batch.empty());
  std::vector<JobSpec> jobs = echoes(4);
  jobs.push_back(JobSpec{"fail", Payload::from_json({{"message", "no luck"}}), 0, 1});
  for (auto& job : jobs) job.batch = batch;
  ASSERT_TRUE(pipeline.client().submit(jobs).ok());
  ASSERT_TRUE(pipeline.wait_for_finished(5, 20s));
  // All ended, one dead; not sealed, so more may join: open.
  EXPECT_TRUE(wait_until([&] { return shows_batch(top.screen(), batch, "5/5 +1 +open"); }, 10s))
      << top.screen();

  ASSERT_EQ(accepted_id(submit, encode(BatchSeal{2, batch})), batch);
  EXPECT_TRUE(wait_until([&] { return shows_batch(top.screen(), batch, "5/5 +1 +done"); }, 10s))
      << top.screen();
  top.send_keys({"q"});
  EXPECT_TRUE(pipeline.stop());
}

TEST(MonitorTopWithoutATerminal, SaysSoAndSuggestsTail) {
  const auto run = run_program({program("zpipe-monitor"), "top"}, 10s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("zpipe-monitor tail"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace zpipe::test
