// Nothing lost: every job acknowledged to a producer ends recorded exactly once, whatever one
// component does (killed, stopped, restarted), with the real programs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "tests/support/log_numbers.hpp"
#include "tests/support/nothing_lost_checks.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/submit_all.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

// Short time limits, so that jobs lost with a killed or stopped worker come back in seconds.
TestPipelineOptions quick_redispatch(int workers, int slots) {
  TestPipelineOptions options(workers, slots);
  options.ventilator_args = {"--default-timeout-ms", "2000", "--redispatch-grace", "1"};
  return options;
}

const JobSpec kShortSleep{"sleep", Payload::from_json({{"ms", 2}}), 0, 0};

// A killed worker's jobs must come back because the ventilator saw it go, not because their time
// ran out: with a 10 s limit (each job sleeps 2 ms), one that waited for it would be counted as
// dispatched again after its time limit, well within the run. And the workers' events go
// nowhere: no job may depend on an event.
TEST(NothingLost, AWorkerKilledEverySecondLosesNoJobAndNoneWaitsForItsTimeLimit) {
  constexpr int kJobs = 20'000;
  TestPipelineOptions options(3, 4);
  options.ventilator_args = {"--default-timeout-ms", "10000", "--redispatch-grace", "1"};
  // A socket file nobody binds (a free port could be bound by another test's hub meanwhile).
  options.worker_events_to = "ipc:///tmp/zpipe-nobody-listens-" + std::to_string(::getpid());
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  const auto ids = submit_all(client, kJobs, kShortSleep);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kJobs));

  std::mt19937 random(20261128);
  std::vector<std::size_t> alive{0, 1, 2};
  int kills = 0;
  const auto give_up = std::chrono::steady_clock::now() + 180s;
  while (!pipeline.wait_for_finished(kJobs, 1s)) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "jobs still unfinished";
    // A random worker dies without warning, and a fresh one takes its place.
    const auto pick = std::uniform_int_distribution<std::size_t>(0, alive.size() - 1)(random);
    pipeline.kill_worker(alive[pick]);
    pipeline.add_worker();
    alive[pick] = pipeline.worker_count() - 1;
    ++kills;
  }
  EXPECT_GE(kills, 2) << "the run was too short to test anything";
  expect_recorded_exactly_once(pipeline, ids);
  expect_nothing_left(pipeline, kJobs);
  EXPECT_TRUE(pipeline.stop());
  const auto log = pipeline.log_of("ventilator");
  ASSERT_NE(log.find("dispatched again after their time limit"), std::string::npos) << log;
  EXPECT_EQ(number_before(log, "dispatched again after their time limit"), 0u) << log;
  std::cout << "workers killed: " << kills
            << "; jobs taken back from them: " << number_before(log, "taken back from lost workers")
            << "\n";
}

TEST(NothingLost, TheSinkKilledAndRestartedRecordsEveryJobOnce) {
  constexpr int kJobs = 6'000;
  TestPipeline pipeline(quick_redispatch(2, 2));
  auto client = pipeline.client();
  const auto ids = submit_all(client, kJobs, kShortSleep);
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs / 4; }, 60s));
  pipeline.crash_and_restart_sink();
  ASSERT_TRUE(pipeline.wait_for_finished(kJobs, 120s));
  expect_recorded_exactly_once(pipeline, ids);
  expect_nothing_left(pipeline, kJobs);
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, TheVentilatorKilledAndRestartedLosesNoAcknowledgedJob) {
  constexpr int kJobs = 6'000;
  TestPipeline pipeline(quick_redispatch(2, 2));
  std::vector<std::string> ids;
  {
    auto client = pipeline.client();
    ids = submit_all(client, kJobs, kShortSleep);
  }
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs / 4; }, 60s));
  pipeline.crash_and_restart_ventilator();
  EXPECT_NE(pipeline.log_of("ventilator").find("unfinished jobs"), std::string::npos);
  // The restarted ventilator counts what it restored and what finished since.
  ASSERT_TRUE(wait_until(
      [&] {
        auto status = pipeline.client().status();
        return status.ok() && status.value().pending + status.value().in_flight == 0;
      },
      120s));
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->totals().value().succeeded >= kJobs; }, 30s));
  expect_recorded_exactly_once(pipeline, ids);
  EXPECT_TRUE(pipeline.stop());
}

// A worker that stops answering but keeps its connection (SIGSTOP; a hung disk looks the same).
// The default time limit (5 minutes): nothing here may wait for it.
TEST(NothingLost, AStoppedWorkerIsLostGetsNothingMoreAndIsTrustedAgainWhenItSpeaks) {
  constexpr int kJobs = 400;
  const JobSpec ten_ms{"sleep", Payload::from_json({{"ms", 10}}), 0, 0};
  TestPipeline pipeline(TestPipelineOptions(0, 1));
  pipeline.add_worker({"--prefetch", "1", "--name", "stalling"});
  pipeline.add_worker({"--prefetch", "1", "--name", "steady"});
  auto client = pipeline.client();
  auto ids = submit_all(client, kJobs, ten_ms);
  ASSERT_TRUE(wait_until([&] { return pipeline.store()->totals().value().succeeded >= 20; }, 30s));
  pipeline.worker(0).send_signal(SIGSTOP);
  // Three heartbeats missed: lost, and exactly what it held goes out again.
  ASSERT_TRUE(wait_until(
      [&] {
        return pipeline.log_of("ventilator").find("worker stalling vanished (no heartbeat") !=
               std::string::npos;
      },
      20s));
  const auto taken = number_before(pipeline.log_of("ventilator"), "jobs it held");
  EXPECT_GE(taken, 1u) << "it held a running job and its prefetch";
  EXPECT_LE(taken, 2u) << "no more than it asked for";
  // Jobs that come now go to the steady worker only: all finish while stalling stays stopped.
  const auto later = submit_all(client, 200, ten_ms);
  ids.insert(ids.end(), later.begin(), later.end());
  ASSERT_TRUE(pipeline.wait_for_finished(ids.size(), 60s)) << pipeline.log_of("ventilator");

  // Back: its late outcomes are recorded once (duplicates at the sink), and once it has spoken
  // again it gets work again.
  const auto connected_before =
      occurrences(pipeline.log_of("ventilator"), "worker stalling connected");
  pipeline.worker(0).send_signal(SIGCONT);
  ASSERT_TRUE(wait_until(
      [&] {
        return occurrences(pipeline.log_of("ventilator"), "worker stalling connected") >
               connected_before;
      },
      20s));
  const auto after = submit_all(client, 100, ten_ms);
  ids.insert(ids.end(), after.begin(), after.end());
  ASSERT_TRUE(pipeline.wait_for_finished(ids.size(), 60s));
  std::size_t by_stalling = 0;
  for (const auto& id : after) {
    const auto row = pipeline.store()->find(id).value();
    by_stalling += row && row->outcome.worker == "stalling" ? 1 : 0;
  }
  EXPECT_GE(by_stalling, 1u) << "trusted again once it spoke";
  ASSERT_TRUE(pipeline.stop());
  EXPECT_GE(number_before(pipeline.log_of("sink"), "duplicates dropped"), 1u);
  const auto log = pipeline.log_of("ventilator");
  ASSERT_NE(log.find("dispatched again after their time limit"), std::string::npos) << log;
  EXPECT_EQ(number_before(log, "dispatched again after their time limit"), 0u) << log;
  expect_recorded_exactly_once(pipeline, ids);
  std::cout << "jobs taken back from the stopped worker: " << taken << "\n";
}

TEST(NothingLost, AFailingJobIsDeadAfterExactlyItsAttemptsAndRetryBringsItBack) {
  TestPipelineOptions options(1);
  options.ventilator_args = {"--retry-delay", "0.05"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  const auto id =
      client.submit(JobSpec{"fail", Payload::from_json({{"message", "card declined"}}), 0, 3});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(1, 30s));
  auto status = client.status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().dead, 1u);
  EXPECT_EQ(status.value().failed, 3u);
  auto attempts = pipeline.store()->attempts(id.value()).value();
  ASSERT_EQ(attempts.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(attempts[i].attempt, i + 1);
    EXPECT_EQ(attempts[i].error, "card declined");
    EXPECT_EQ(attempts[i].error_code, "handler_error");
  }
  const auto row = pipeline.store()->find(id.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->outcome.attempt, 3u);
  EXPECT_FALSE(row->outcome.succeeded());

  // `zpipe retry --dead` requeues it for a fresh round of 3 attempts.
  const auto retry = run_program({program("zpipe"), "retry", "--dead", "--type", "fail",
                                  "--ventilator", pipeline.endpoints().submit},
                                 10s);
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.out.find(id.value()), std::string::npos) << retry.out;
  ASSERT_TRUE(
      wait_until([&] { return pipeline.store()->attempts(id.value()).value().size() == 6; }, 30s));
  ASSERT_TRUE(wait_until(
      [&] {
        auto s = client.status();
        return s.ok() && s.value().dead == 1 && s.value().retrying == 0;
      },
      30s));
  EXPECT_EQ(pipeline.store()->find(id.value()).value()->outcome.attempt, 6u);

  // `zpipe discard` removes it from the dead jobs.
  const auto discard = run_program(
      {program("zpipe"), "discard", id.value(), "--ventilator", pipeline.endpoints().submit}, 10s);
  EXPECT_EQ(discard.exit_code, 0) << discard.err;
  status = client.status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().dead, 0u);
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, SigtermLetsRunningJobsFinishAndExitsZero) {
  TestPipelineOptions options(0, 2);
  TestPipeline pipeline(options);
  pipeline.add_worker({"--log-level", "debug"});
  auto client = pipeline.client();
  const auto ids = submit_all(client, 2, JobSpec{"sleep", Payload::from_json({{"ms", 800}}), 0, 0});
  ASSERT_TRUE(wait_until(
      [&] {
        const auto log = pipeline.log_of("worker-0");
        return log.find("started " + ids[0]) != std::string::npos &&
               log.find("started " + ids[1]) != std::string::npos;
      },
      10s));
  pipeline.worker(0).request_stop();
  const auto status = pipeline.worker(0).wait_for(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  ASSERT_TRUE(pipeline.wait_for_finished(2, 10s));
  for (const auto& id : ids) {
    const auto row = pipeline.store()->find(id).value();
    ASSERT_TRUE(row.has_value());
    EXPECT_TRUE(row->outcome.succeeded()) << row->outcome.error;
  }
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, JobsStillRunningWhenTheGraceEndsAreGivenBackAndRunElsewhere) {
  TestPipelineOptions options(0);
  TestPipeline pipeline(options);
  pipeline.add_worker({"--grace", "0.3", "--log-level", "debug"});
  auto id = pipeline.client().submit(JobSpec{"sleep", Payload::from_json({{"ms", 1500}}), 0, 1});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(wait_until(
      [&] {
        return pipeline.log_of("worker-0").find("started " + id.value()) != std::string::npos;
      },
      10s));
  pipeline.worker(0).request_stop();
  const auto status = pipeline.worker(0).wait_for(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
  EXPECT_FALSE(pipeline.store()->find(id.value()).value().has_value())
      << "given back, not recorded";
  pipeline.add_worker();
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s))
      << pipeline.log_of("ventilator") << pipeline.log_of("sink") << pipeline.log_of("worker-0");
  const auto row = pipeline.store()->find(id.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_TRUE(row->outcome.succeeded()) << row->outcome.error;
  EXPECT_EQ(row->outcome.attempt, 1u) << "a job given back keeps its attempt";
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, APausedWorkerTakesNoJobsUntilResumed) {
  TestPipelineOptions options(1);
  TestPipeline pipeline(options);
  pipeline.worker(0).send_signal(SIGUSR2);
  ASSERT_TRUE(wait_until(
      [&] { return pipeline.log_of("worker-0").find("paused") != std::string::npos; }, 10s));
  auto client = pipeline.client();
  const auto ids = submit_all(client, 20, JobSpec{"echo", {}, 0, 0});
  EXPECT_FALSE(pipeline.wait_for_finished(1, 1500ms)) << "a paused worker ran a job";
  auto status = client.status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status.value().pending, 20u) << "no job went toward the paused worker";
  pipeline.worker(0).send_signal(SIGCONT);
  ASSERT_TRUE(pipeline.wait_for_finished(20, 20s))
      << pipeline.log_of("ventilator") << pipeline.log_of("sink") << pipeline.log_of("worker-0");
  expect_recorded_exactly_once(pipeline, ids);
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, AVentilatorRefusesToStartOnADamagedJournal) {
  TestPipelineOptions options(0);
  TestPipeline pipeline(options);
  ASSERT_TRUE(pipeline.client().submit(std::vector<JobSpec>(3000, JobSpec{"echo", {}, 0, 0})).ok());
  ASSERT_TRUE(pipeline.stop());
  const auto journal = pipeline.data_dir() / "journal.db";
  {
    std::fstream file(journal, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 2);
    const std::string garbage(4096 * 8, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto run = run_program(
      {program("zpipe-ventilator"), "--data-dir", pipeline.data_dir().string(), "--submit",
       "tcp://127.0.0.1:*", "--jobs", "tcp://127.0.0.1:*", "--acks", "tcp://127.0.0.1:*",
       "--events-in", "tcp://127.0.0.1:*", "--events-out", "tcp://127.0.0.1:*"},
      10s);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("is damaged"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(journal.string()), std::string::npos) << run.err;
}

TEST(NothingLost, AnIsolatedJobThatCrashesIsRecordedAndTheWorkerServesOn) {
  TestPipelineOptions options(0);
  options.worker_program = "zpipe-misbehaving-worker";
  TestPipeline pipeline(options);
  pipeline.add_worker({"--isolate"});
  auto client = pipeline.client();
  const auto segfault = client.submit(JobSpec{"segfault", {}, 0, 1});
  const auto aborts = client.submit(JobSpec{"abort", {}, 0, 1});
  const auto echo =
      client.submit(JobSpec{"echo", Payload::from_json({{"after", "crashes"}}), 0, 1});
  ASSERT_TRUE(segfault.ok() && aborts.ok() && echo.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(3, 30s));
  const auto store = pipeline.store();
  const auto crashed = store->find(segfault.value()).value();
  ASSERT_TRUE(crashed.has_value());
  EXPECT_EQ(crashed->outcome.error_code, "crashed");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer catches the segfault itself and aborts.
  EXPECT_EQ(crashed->outcome.error.rfind("crashed: SIG", 0), 0u) << crashed->outcome.error;
#else
  EXPECT_EQ(crashed->outcome.error, "crashed: SIGSEGV");
#endif
  EXPECT_EQ(store->find(aborts.value()).value()->outcome.error, "crashed: SIGABRT");
  const auto served = store->find(echo.value()).value();
  ASSERT_TRUE(served.has_value());
  EXPECT_TRUE(served->outcome.succeeded()) << served->outcome.error;
  // Each attempt of an isolated job records its process's CPU time and peak memory.
  const auto attempts = store->attempts(echo.value()).value();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_GT(attempts[0].max_rss_kb, 0u);
  EXPECT_TRUE(pipeline.exited_programs().empty()) << "the worker must still be running";
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, AnIsolatedJobOverItsMemoryLimitFailsAlone) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's shadow memory takes terabytes of address space, so no sanitized "
                  "job process can start under --memory-limit 256 (the ci build runs this)";
#endif
  TestPipelineOptions options(0);
  options.worker_program = "zpipe-misbehaving-worker";
  TestPipeline pipeline(options);
  pipeline.add_worker({"--isolate", "--memory-limit", "256"});
  auto client = pipeline.client();
  const auto hog = client.submit(JobSpec{"hog", {}, 0, 1});
  const auto echo = client.submit(JobSpec{"echo", {}, 0, 1});
  ASSERT_TRUE(hog.ok() && echo.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(2, 30s));
  const auto row = pipeline.store()->find(hog.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->outcome.error_code, "crashed");
  EXPECT_NE(row->outcome.error.find("out of memory"), std::string::npos) << row->outcome.error;
  EXPECT_TRUE(pipeline.store()->find(echo.value()).value()->outcome.succeeded());
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, AnIsolatedCommandPastItsTimeLimitIsKilledWithItsProcess) {
  TestPipelineOptions options(0);
  TestPipeline pipeline(options);
  pipeline.add_worker({"--isolate"});
  auto client = pipeline.client();
  // A marker no other process has, to look for leftovers.
  const auto marker = "20.0" + std::to_string(::getpid());
  JobSpec spec{"exec", Payload::from_json({{"argv", {"sleep", marker}}}), 1000, 1};
  const auto id = client.submit(spec);
  ASSERT_TRUE(id.ok());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(pipeline.wait_for_finished(1, 20s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "the worker waited for sleep";
  const auto row = pipeline.store()->find(id.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->outcome.error_code, "timeout") << row->outcome.error;
  const auto leftovers = run_program({"pgrep", "-f", "sleep " + marker}, 10s);
  EXPECT_NE(leftovers.exit_code, 0) << "still running: " << leftovers.out;
  EXPECT_TRUE(pipeline.stop());
}

TEST(NothingLost, AKilledWorkersRunningJobGoesOutAgainOnceItVanishes) {
  TestPipelineOptions options(2);
  options.worker_args = {"--log-level", "debug"};
  TestPipeline pipeline(options);  // the default time limit: 5 minutes, plus 30 s of grace
  auto client = pipeline.client();
  const auto id = client.submit(JobSpec{"sleep", Payload::from_json({{"ms", 2000}}), 0, 1});
  ASSERT_TRUE(id.ok());
  std::size_t runner = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        for (std::size_t i = 0; i < 2; ++i) {
          if (pipeline.log_of("worker-" + std::to_string(i)).find("started " + id.value()) !=
              std::string::npos) {
            runner = i;
            return true;
          }
        }
        return false;
      },
      10s));
  const auto killed_at = std::chrono::steady_clock::now();
  pipeline.kill_worker(runner);
  // Its connection closes: the ventilator takes the job back at once (the target is within two
  // heartbeat intervals, 2 s), not after its time limit.
  ASSERT_TRUE(wait_until(
      [&] {
        return pipeline.log_of("ventilator").find("(its connection closed): the 1 jobs it held") !=
               std::string::npos;
      },
      2s))
      << pipeline.log_of("ventilator");
  std::cout << "taken back after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - killed_at)
                   .count()
            << " ms (as the test saw it)\n";
  ASSERT_TRUE(pipeline.wait_for_finished(1, 30s)) << pipeline.log_of("ventilator");
  const auto row = pipeline.store()->find(id.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_TRUE(row->outcome.succeeded()) << row->outcome.error;
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
