// The job model as a user drives it with `zpipe` against the real programs: delayed jobs and
// `zpipe scheduled`, cancel, queues paused and resumed, limits, recurring jobs, unique keys,
// and what `status` and `workers` say about types and queues; and `zpipe up` passing the
// workers' types and queues and the ventilator's limits on.
#include <sys/wait.h>

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/up_on_free_ports.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

std::uint64_t unix_now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

class JobModelCommands : public ::testing::Test {
 protected:
  // `zpipe ARGS... --ventilator` this pipeline's.
  ProgramRun zpipe(TestPipeline& pipeline, std::vector<std::string> args,
                   const std::string& stdin_text = "") {
    args.insert(args.begin(), program("zpipe"));
    args.push_back("--ventilator");
    args.push_back(pipeline.endpoints().submit);
    return run_program(args, 20s, stdin_text);
  }
  nlohmann::json zpipe_json(TestPipeline& pipeline, std::vector<std::string> args) {
    args.push_back("--json");
    const auto run = zpipe(pipeline, args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto json = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << run.out;
    return json;
  }
  // The job's recorded outcome, once the sink has it.
  std::optional<Outcome> recorded(TestPipeline& pipeline, const std::string& id) {
    auto found = pipeline.store()->find(id);
    if (!found.ok() || !found.value()) return std::nullopt;
    return found.value()->outcome;
  }
  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
};

TEST_F(JobModelCommands, SubmitInHoldsAJobUntilItsTimeAndScheduledListsIt) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  // The listed jobs are due far off, so that no slow run sees one of them fall due mid-test.
  const auto before = unix_now_ms();
  const auto submitted = zpipe(pipeline, {"submit", "echo", "--arg", "msg=later", "--in", "30m"});
  const auto after = unix_now_ms();
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto id = first_line(submitted.out);
  EXPECT_EQ(submitted.out, id + "\n") << "stdout stays one id a line";
  EXPECT_NE(submitted.err.find("zpipe submit: " + id + " runs at "), std::string::npos)
      << submitted.err;
  EXPECT_NE(submitted.err.find("(in 30m)"), std::string::npos) << submitted.err;
  // A second one from JSON lines, in a queue of its own, an hour off.
  const auto from_lines = zpipe(pipeline, {"submit", "--jsonl", "-"},
                                R"({"type": "echo", "queue": "later", "delay": 3600})"
                                "\n");
  ASSERT_EQ(from_lines.exit_code, 0) << from_lines.err;
  const auto later_id = first_line(from_lines.out);

  const auto scheduled = zpipe_json(pipeline, {"scheduled"});
  EXPECT_EQ(scheduled["total"], 2) << scheduled;
  ASSERT_EQ(scheduled["jobs"].size(), 2u) << scheduled;
  EXPECT_EQ(scheduled["jobs"][0]["id"], id) << "soonest first";
  EXPECT_GE(scheduled["jobs"][0]["due_ms"].get<std::uint64_t>(), before + 30 * 60'000);
  EXPECT_LE(scheduled["jobs"][0]["due_ms"].get<std::uint64_t>(), after + 30 * 60'000);
  EXPECT_EQ(scheduled["jobs"][1]["id"], later_id);
  EXPECT_EQ(scheduled["jobs"][1]["queue"], "later");
  const auto table = zpipe(pipeline, {"scheduled"});
  EXPECT_NE(table.out.find("\n2 jobs wait for their time\n"), std::string::npos) << table.out;
  EXPECT_EQ(zpipe_json(pipeline, {"status"})["scheduled"], 2);

  // A job due soon runs at its time, not before, and leaves the far ones waiting.
  const auto soon_submitted_ms = unix_now_ms();
  const auto soon = zpipe(pipeline, {"submit", "echo", "--in", "2s"});
  ASSERT_EQ(soon.exit_code, 0) << soon.err;
  const auto soon_id = first_line(soon.out);
  ASSERT_TRUE(wait_until([&] { return recorded(pipeline, soon_id).has_value(); }, 20s));
  const auto outcome = *recorded(pipeline, soon_id);
  EXPECT_TRUE(outcome.succeeded()) << outcome.error;
  EXPECT_GE(outcome.started_ms, soon_submitted_ms + 2000);
  EXPECT_EQ(zpipe_json(pipeline, {"scheduled"})["total"], 2);
}

TEST_F(JobModelCommands, UniqueKeyGivesTheSameIdWhileTheJobWaits) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  const auto first = zpipe(pipeline, {"submit", "echo", "--unique-key", "form-42", "--in", "1h"});
  const auto again = zpipe(pipeline, {"submit", "echo", "--unique-key", "form-42", "--in", "1h"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(first_line(again.out), first_line(first.out));
  EXPECT_EQ(zpipe_json(pipeline, {"scheduled"})["total"], 1);
}

TEST_F(JobModelCommands, CancelDropsWaitingJobsAndSaysWhichIdsItDoesNotKnow) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  ASSERT_EQ(zpipe(pipeline, {"pause", "mail"}).exit_code, 0);
  const auto pending = first_line(zpipe(pipeline, {"submit", "echo", "--queue", "mail"}).out);
  const auto scheduled = first_line(zpipe(pipeline, {"submit", "echo", "--in", "1h"}).out);
  ASSERT_FALSE(pending.empty());
  ASSERT_FALSE(scheduled.empty());

  const auto cancel =
      zpipe(pipeline, {"cancel", pending, scheduled, "nosuch-1", "--by", "tester@here"});
  EXPECT_EQ(cancel.exit_code, 1) << "an id it does not know: " << cancel.err;
  EXPECT_EQ(cancel.out, pending + " cancelled\n" + scheduled + " cancelled\nnosuch-1 unknown\n");
  // The ventilator records them at the sink itself: they never ran.
  for (const auto& id : {pending, scheduled}) {
    ASSERT_TRUE(wait_until([&] { return recorded(pipeline, id).has_value(); }, 10s)) << id;
    const auto outcome = *recorded(pipeline, id);
    EXPECT_EQ(outcome.status, OutcomeStatus::kCancelled) << id;
    EXPECT_EQ(outcome.error, "cancelled by tester@here") << id;
    EXPECT_EQ(outcome.worker, "ventilator") << id;
  }
  const auto again = zpipe_json(pipeline, {"cancel", pending});
  EXPECT_EQ(again["jobs"][0]["result"], "over") << again;
  const auto status = zpipe_json(pipeline, {"status"});
  EXPECT_EQ(status["cancelled"], 2) << status;
  EXPECT_EQ(status["scheduled"], 0) << status;
}

TEST_F(JobModelCommands, CancelAsksTheWorkerToStopARunningJob) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  auto client = pipeline.client();
  const auto id = first_line(zpipe(pipeline, {"submit", "sleep", "--arg", "ms=60000"}).out);
  ASSERT_TRUE(wait_until(
      [&] {
        auto states = client.job_statuses({id});
        return states.ok() && states.value()[0].state == JobState::kRunning;
      },
      10s));
  const auto cancel = zpipe(pipeline, {"cancel", id, "--by", "tester@here"});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(cancel.out, id + " cancelling (asked its worker to stop it)\n");
  const auto asked = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return recorded(pipeline, id).has_value(); }, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s) << "recorded within about a second";
  const auto outcome = *recorded(pipeline, id);
  EXPECT_EQ(outcome.status, OutcomeStatus::kCancelled);
  EXPECT_EQ(outcome.error_code, "cancelled");
  EXPECT_EQ(outcome.error, "cancelled by tester@here");
  EXPECT_EQ(outcome.attempt, 1u) << "not retried";
}

// A job cancelled before it ran is recorded by the ventilator, with the payload as any other.
TEST_F(JobModelCommands, ShowGivesThePayloadOfAJobCancelledBeforeItRan) {
  TestPipeline pipeline(TestPipelineOptions(0, 1));  // no worker: every job waits
  const auto pending = first_line(zpipe(pipeline, {"submit", "echo", "--arg", "to=ann@x.org"}).out);
  // Over the 1 KiB the ventilator keeps in memory: read back from its journal for the record.
  const std::string note(2000, 'n');
  const auto scheduled =
      first_line(zpipe(pipeline, {"submit", "echo", "--arg", "note=" + note, "--in", "1h"}).out);
  // 40 payloads of 40 KiB (submitted 20 at a time, within the message limit): more than one
  // message of 1 MiB takes their records to the sink.
  const JobSpec blob{"echo", Payload::from_json({{"blob", std::string(40'000, 'b')}}), 0, 0};
  std::vector<std::string> blobs;
  for (int i = 0; i < 2; ++i) {
    const auto accepted = pipeline.client().submit(std::vector<JobSpec>(20, blob));
    ASSERT_TRUE(accepted.ok()) << accepted.error().message;
    blobs.insert(blobs.end(), accepted.value().begin(), accepted.value().end());
  }
  auto ids = blobs;
  ids.insert(ids.begin(), {pending, scheduled});
  auto args = ids;
  args.insert(args.begin(), "cancel");
  args.insert(args.end(), {"--by", "tester@here"});
  ASSERT_EQ(zpipe(pipeline, args).exit_code, 0);
  for (const auto& id : ids) {
    ASSERT_TRUE(wait_until([&] { return recorded(pipeline, id).has_value(); }, 10s)) << id;
  }

  const auto data = pipeline.data_dir().string();
  const auto shown = zpipe(pipeline, {"show", pending, "--data-dir", data});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("status        cancelled by tester@here at "), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("payload\n" + nlohmann::json{{"to", "ann@x.org"}}.dump(2) + "\n"),
            std::string::npos)
      << shown.out;
  EXPECT_EQ(zpipe_json(pipeline, {"show", scheduled, "--data-dir", data})["payload"],
            (nlohmann::json{{"note", note}}));
  for (const auto& id : blobs) {
    const auto attempts = pipeline.store()->attempts(id).value();
    ASSERT_EQ(attempts.size(), 1u) << id;
    EXPECT_EQ(attempts[0].payload, blob.payload) << id;
  }
}

TEST_F(JobModelCommands, PauseHoldsAQueueAndResumeLetsItRun) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  auto client = pipeline.client();
  const auto paused = zpipe(pipeline, {"pause", "mail"});
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_NE(paused.out.find("paused queue mail"), std::string::npos) << paused.out;
  const auto id = first_line(zpipe(pipeline, {"submit", "echo", "--queue", "mail"}).out);
  const auto other = first_line(zpipe(pipeline, {"submit", "echo"}).out);
  ASSERT_TRUE(wait_until([&] { return recorded(pipeline, other).has_value(); }, 10s))
      << "the default queue still runs";
  auto states = client.job_statuses({id});
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(states.value()[0].state, JobState::kPending);
  EXPECT_EQ(states.value()[0].queue, "mail");

  const auto queues = zpipe_json(pipeline, {"queues"});
  const auto mail = std::find_if(queues["queues"].begin(), queues["queues"].end(),
                                 [](const nlohmann::json& q) { return q["name"] == "mail"; });
  ASSERT_NE(mail, queues["queues"].end()) << queues;
  EXPECT_EQ((*mail)["paused"], true);
  EXPECT_EQ((*mail)["pending"], 1);
  const auto table = zpipe(pipeline, {"queues"});
  EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(\nmail +1 +0 +0 +\S+ +paused\n)")))
      << table.out;
  const auto shown = zpipe(pipeline, {"show", id});
  EXPECT_NE(shown.out.find("waits for a worker in queue mail"), std::string::npos) << shown.out;
  // The store has nothing of it yet: show says so, not that an older worker ran it.
  const auto unrecorded = zpipe(pipeline, {"show", id, "--data-dir", pipeline.data_dir().string()});
  EXPECT_NE(unrecorded.out.find("payload       not recorded yet (the store has it once an attempt "
                                "of the job ends)"),
            std::string::npos)
      << unrecorded.out;

  const auto resumed = zpipe(pipeline, {"resume", "mail"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ASSERT_TRUE(wait_until([&] { return recorded(pipeline, id).has_value(); }, 10s));
  EXPECT_TRUE(recorded(pipeline, id)->succeeded());
}

TEST_F(JobModelCommands, LimitSetShowsInQueuesAndClearRemovesIt) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  const auto set = zpipe(pipeline, {"limit", "set", "echo=10/s"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("\nLIMIT "), std::string::npos) << set.out;
  const auto limits = zpipe_json(pipeline, {"queues"})["limits"];
  ASSERT_EQ(limits.size(), 1u) << limits;
  EXPECT_NE(limits[0]["limit"].get<std::string>().find("echo"), std::string::npos) << limits;
  EXPECT_NE(limits[0]["limit"].get<std::string>().find("10/s"), std::string::npos) << limits;

  const auto bad = zpipe(pipeline, {"limit", "set", "echo=10/fortnight"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.err.find("zpipe limit set: refused (invalid)"), std::string::npos) << bad.err;

  const auto cleared = zpipe(pipeline, {"limit", "clear", "echo"});
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_TRUE(zpipe_json(pipeline, {"queues"})["limits"].empty());
}

TEST_F(JobModelCommands, ScheduleAddRunsTheJobEveryIntervalAndRemoveStopsIt) {
  TestPipeline pipeline(TestPipelineOptions(1, 1));
  const auto added =
      zpipe(pipeline, {"schedule", "add", "tick", "--every", "1s", "echo", "--arg", "msg=tick"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_NE(added.out.find("added tick: every 1s, echo jobs"), std::string::npos) << added.out;
  const auto listed = zpipe_json(pipeline, {"schedule", "list"});
  ASSERT_EQ(listed["schedules"].size(), 1u) << listed;
  EXPECT_EQ(listed["schedules"][0]["name"], "tick");
  EXPECT_EQ(listed["schedules"][0]["every_ms"], 1000);
  EXPECT_EQ(listed["schedules"][0]["job"]["type"], "echo");
  EXPECT_EQ(listed["schedules"][0]["job"]["payload"], (nlohmann::json{{"msg", "tick"}}));

  // It runs: its last job is recorded, with the payload it was given.
  std::string last_job;
  ASSERT_TRUE(wait_until(
      [&] {
        const auto now = zpipe_json(pipeline, {"schedule", "list"});
        if (now["schedules"].empty()) return false;
        last_job = now["schedules"][0]["last_job_id"].get<std::string>();
        return !last_job.empty() && recorded(pipeline, last_job).has_value();
      },
      15s, 200ms));
  EXPECT_EQ(recorded(pipeline, last_job)->result.to_json(), (nlohmann::json{{"msg", "tick"}}));
  const auto table = zpipe(pipeline, {"schedule", "list"});
  EXPECT_TRUE(std::regex_search(table.out, std::regex(R"(\ntick +every 1s +echo +default )")))
      << table.out;

  const auto removed = zpipe(pipeline, {"schedule", "remove", "tick"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("removed tick\nno recurring jobs"), std::string::npos) << removed.out;
  EXPECT_EQ(zpipe(pipeline, {"schedule", "remove", "tick"}).exit_code, 1)
      << "a name it does not hold";
  const auto bad_cron = zpipe(pipeline, {"schedule", "add", "x", "--cron", "61 * * * *", "echo"});
  EXPECT_EQ(bad_cron.exit_code, 2);
  EXPECT_NE(bad_cron.err.find("--cron: "), std::string::npos) << bad_cron.err;
}

TEST_F(JobModelCommands, StatusNamesTheTypesNoWorkerTakesAndWorkersSayWhatEachTakes) {
  TestPipelineOptions options(1, 1);
  options.worker_args = {"--types", "echo", "--queues", "critical,default"};
  TestPipeline pipeline(options);
  ASSERT_EQ(zpipe(pipeline, {"submit", "word_count", "--arg", "text=a b c"}).exit_code, 0);
  ASSERT_TRUE(wait_until(
      [&] { return !zpipe_json(pipeline, {"status"})["types_without_workers"].empty(); }, 10s));
  const auto status = zpipe(pipeline, {"status"});
  EXPECT_NE(status.out.find("\n1 job of type word_count waits: no connected worker handles "
                            "word_count\n"),
            std::string::npos)
      << status.out;
  EXPECT_EQ(zpipe_json(pipeline, {"status"})["types_without_workers"],
            (nlohmann::json{"word_count"}));

  const auto workers = zpipe_json(pipeline, {"workers"});
  ASSERT_EQ(workers["workers"].size(), 1u) << workers;
  EXPECT_EQ(workers["workers"][0]["types"], (nlohmann::json{"echo"}));
  EXPECT_EQ(workers["workers"][0]["queues"], (nlohmann::json{"critical", "default"}));
  const auto table = zpipe(pipeline, {"workers"});
  EXPECT_NE(table.out.find("\n  types echo; queues critical, default\n"), std::string::npos)
      << table.out;
}

// What a user of `zpipe up` sees: its ventilator holds the limit given (zpipe queues), and its
// workers take only the types and queues given (a sleep job and a job in another queue wait).
TEST(UpPassesJobModelFlags, LimitsToItsVentilatorAndTypesAndQueuesToItsWorkers) {
  TempDir dir;
  auto up =
      start_up_on_free_ports({"--workers", "2", "--types", "echo", "--queues", "critical,default",
                              "--limit", "echo=concurrency:1", "--limit", "queue:critical=5/s",
                              "--data-dir", (dir.path() / "data").string()},
                             dir.path());
  const auto ventilator = "tcp://127.0.0.1:" + std::to_string(up.port_base);
  const auto zpipe = [&](std::vector<std::string> args) {
    args.insert(args.begin(), program("zpipe"));
    args.insert(args.end(), {"--ventilator", ventilator});
    return run_program(args, 20s);
  };
  const auto json_of = [&](std::vector<std::string> args) {
    args.push_back("--json");
    const auto run = zpipe(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(run.out, nullptr, false);
  };

  const auto queues = zpipe({"queues"});
  ASSERT_EQ(queues.exit_code, 0) << queues.err;
  EXPECT_TRUE(std::regex_search(queues.out, std::regex(R"(\necho=concurrency:1 +0 +0\n)")))
      << queues.out;
  EXPECT_TRUE(std::regex_search(queues.out, std::regex(R"(\nqueue:critical=5/s +0 +0\n)")))
      << queues.out;
  EXPECT_EQ(json_of({"queues"})["limits"].size(), 2u);

  const auto echo = zpipe({"submit", "echo", "--arg", "msg=hi", "--queue", "critical"});
  const auto sleep = zpipe({"submit", "sleep", "--arg", "ms=1"});
  const auto low = zpipe({"submit", "echo", "--queue", "low"});
  ASSERT_EQ(echo.exit_code + sleep.exit_code + low.exit_code, 0)
      << echo.err << sleep.err << low.err;
  ASSERT_TRUE(wait_until([&] { return json_of({"status"})["succeeded"] == 1; }, 20s))
      << zpipe({"status"}).out;
  ASSERT_TRUE(
      wait_until([&] { return !json_of({"status"})["types_without_workers"].empty(); }, 10s));
  EXPECT_EQ(json_of({"status"})["types_without_workers"], (nlohmann::json{"sleep"}));
  const auto waiting = json_of({"queues"})["queues"];
  const auto low_queue = std::find_if(waiting.begin(), waiting.end(),
                                      [](const nlohmann::json& q) { return q["name"] == "low"; });
  ASSERT_NE(low_queue, waiting.end()) << waiting;
  EXPECT_EQ((*low_queue)["pending"], 1) << "no worker of this `up` serves queue low";
  ASSERT_TRUE(wait_until([&] { return json_of({"workers"})["workers"].size() == 2; }, 10s))
      << zpipe({"workers"}).out;
  const auto workers = json_of({"workers"})["workers"];
  for (const auto& worker : workers) {
    EXPECT_EQ(worker["types"], (nlohmann::json{"echo"})) << worker;
    EXPECT_EQ(worker["queues"], (nlohmann::json{"critical", "default"})) << worker;
  }

  up.process.request_stop();
  const auto status = up.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << describe_wait_status(*status);
}

}  // namespace
}  // namespace zpipe::test
