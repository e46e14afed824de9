// A cancelled job as a user meets it: the ventilator PUSHes its cancelled outcome to the real
// zpipe-sink, which records it once and acks it as final; `zpipe show`, `zpipe results --status
// cancelled --queue Q` and `zpipe failures` read it from the store. And a job that made others:
// its acks carry what it made, `zpipe show` lists them and `zpipe results --batch` its batch.
#include <sys/wait.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/clock.hpp"
#include "common/protocol.hpp"
#include "front/child_process.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `unix_ms` as `zpipe show` prints it: local time to the millisecond.
std::string local_time_of(std::uint64_t unix_ms) {
  const auto seconds = static_cast<time_t>(unix_ms / 1000);
  tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03u", static_cast<unsigned>(unix_ms % 1000));
  return std::string(text) + millis;
}

// What the ventilator sends for a job it cancelled before any worker had it.
Outcome cancelled_before_it_ran(const std::string& id, const std::string& queue,
                                std::uint64_t at_ms) {
  Outcome o;
  o.id = id;
  o.type = "email";
  o.attempt = 1;
  o.max_attempts = 3;
  o.status = OutcomeStatus::kCancelled;
  o.error_code = "cancelled";
  o.error = "cancelled by alice@web1";
  o.worker = "ventilator";
  o.created_ms = at_ms - 60'000;
  o.finished_ms = at_ms;
  o.queue = queue;
  return o;
}

// A zpipe-sink of its own, acknowledging to a PULL socket of the test (standing for the
// ventilator), so that the test reads the acks.
class LoneSink : public ::testing::Test {
 protected:
  void SetUp() override {
    acks_in_.set(zmq::sockopt::rcvtimeo, 10'000);
    acks_in_.bind("tcp://127.0.0.1:*");
    sink_.emplace(std::vector<std::string>{program("zpipe-sink"), "--data-dir", data_dir(),
                                           "--outcomes", "tcp://127.0.0.1:*", "--acks-to",
                                           acks_in_.get(zmq::sockopt::last_endpoint), "--events-to",
                                           "ipc://" + (dir_.path() / "events").string()},
                  ChildOptions{dir_.path() / "sink.out", log_path(), {}});
    ASSERT_TRUE(wait_until(
        [&] { return log().find(": ready") != std::string::npos || sink_->has_exited(); }, 20s))
        << log();
    ASSERT_FALSE(sink_->has_exited()) << log();
    const auto log_text = log();
    const auto at = log_text.find("outcomes on ") + std::string("outcomes on ").size();
    outcomes_out_.connect(log_text.substr(at, log_text.find(' ', at) - at));
  }

  std::string data_dir() const { return (dir_.path() / "data").string(); }
  std::filesystem::path log_path() const { return dir_.path() / "sink.log"; }
  std::string log() const { return read_file(log_path()); }

  // Sends the outcomes as one "outcomes" message and returns the acks that answer them.
  std::vector<Ack> send(std::vector<Outcome> outcomes) {
    const auto sent = encode(OutcomeBatch{std::move(outcomes)});
    outcomes_out_.send(zmq::buffer(sent));
    zmq::message_t reply;
    if (!acks_in_.recv(reply)) {
      ADD_FAILURE() << "no acks within 10 s; the sink's log:\n" << log();
      return {};
    }
    auto decoded = decode(reply.to_string_view());
    if (!decoded.ok() || !std::holds_alternative<AckBatch>(decoded.value())) {
      ADD_FAILURE() << "not an ack batch";
      return {};
    }
    return std::get<AckBatch>(decoded.value()).acks;
  }

  // A `zpipe` store command on the sink's data, with a ventilator that never answers.
  ProgramRun zpipe(std::vector<std::string> args) const {
    args.insert(args.begin(), program("zpipe"));
    args.insert(args.end(), {"--data-dir", data_dir()});
    return run_program(args, 20s);
  }
  std::vector<std::string> no_ventilator() const {
    return {"--ventilator", "ipc://" + (dir_.path() / "no-ventilator").string(), "--wait", "0.2"};
  }

  TempDir dir_;
  zmq::context_t context_{1};
  zmq::socket_t acks_in_{context_, zmq::socket_type::pull};
  zmq::socket_t outcomes_out_{context_, zmq::socket_type::push};
  std::optional<ChildProcess> sink_;
};

TEST_F(LoneSink, RecordsACancelledJobOnceAndAcksItAsFinal) {
  const auto cancelled_at = unix_ms_now() - 3 * 60'000;
  const auto cancelled = cancelled_before_it_ran("mx1-7", "critical", cancelled_at);
  auto elsewhere = cancelled_before_it_ran("mx1-8", "low", cancelled_at);
  auto succeeded = cancelled_before_it_ran("mx1-9", "critical", cancelled_at);
  succeeded.status = OutcomeStatus::kSucceeded;
  succeeded.error_code = succeeded.error = "";
  succeeded.worker = "host:42";
  succeeded.started_ms = cancelled_at - 10;

  const auto acks = send({cancelled, elsewhere, succeeded});
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].id, "mx1-7");
  EXPECT_EQ(acks[0].status, OutcomeStatus::kCancelled);
  EXPECT_TRUE(acks[0].final) << "a cancelled job is not retried";
  EXPECT_FALSE(acks[0].duplicate);
  EXPECT_EQ(acks[0].error_code, "") << "a cancel is no failure";
  EXPECT_EQ(acks[1].status, OutcomeStatus::kCancelled);

  // The cancel sent again, and the job's worker finishing it after all: the cancel stays.
  auto ran_anyway = succeeded;
  ran_anyway.id = "mx1-7";
  const auto again = send({cancelled, ran_anyway});
  ASSERT_EQ(again.size(), 2u);
  for (const auto& ack : again) {
    EXPECT_TRUE(ack.duplicate);
    EXPECT_TRUE(ack.final);
    EXPECT_EQ(ack.status, OutcomeStatus::kCancelled);
  }

  const auto shown = zpipe([&] {
    std::vector<std::string> args{"show", "mx1-7"};
    for (auto& arg : no_ventilator()) args.push_back(arg);
    return args;
  }());
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const auto& line :
       {std::string("queue         critical\n"),
        "status        cancelled by alice@web1 at " + local_time_of(cancelled_at) + " (3m ago)\n",
        std::string("worker        ventilator (cancelled before it ran)\n"),
        std::string("attempt       1 of 3\n")}) {
    EXPECT_NE(shown.out.find(line), std::string::npos) << line << "in:\n" << shown.out;
  }
  EXPECT_EQ(shown.out.find("started "), std::string::npos) << "it never started:\n" << shown.out;
  EXPECT_EQ(shown.out.find("error_code"), std::string::npos) << shown.out;

  const auto listed = zpipe({"results", "--status", "cancelled", "--queue", "critical"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<std::string> lines;
  std::istringstream in(listed.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 2u) << listed.out;
  EXPECT_NE(lines[0].find(" QUEUE "), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].find("mx1-7 "), 0u) << lines[1];
  EXPECT_NE(lines[1].find(" critical "), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(" cancelled "), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("  cancelled by alice@web1"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(" cancelled   1      - "), std::string::npos)
      << "never ran: " << lines[1];

  const auto json = zpipe({"results", "--json", "--status", "cancelled"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto rows = nlohmann::json::parse(json.out);
  ASSERT_EQ(rows.size(), 2u) << json.out;
  EXPECT_EQ(rows[0]["id"], "mx1-8");
  EXPECT_EQ(rows[0]["queue"], "low");
  EXPECT_EQ(rows[1]["id"], "mx1-7");
  EXPECT_EQ(rows[1]["queue"], "critical");
  EXPECT_EQ(rows[1]["status"], "cancelled");
  EXPECT_EQ(rows[1]["worker"], "ventilator");

  const auto by_queue = zpipe({"results", "--json", "--queue", "critical"});
  std::vector<std::string> ids;
  for (const auto& row : nlohmann::json::parse(by_queue.out)) ids.push_back(row["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"mx1-9", "mx1-7"}));

  const auto failures = zpipe({"failures"});
  ASSERT_EQ(failures.exit_code, 0) << failures.err;
  EXPECT_EQ(failures.out, "no failures recorded\n") << "a cancelled job is no failure";

  const auto bad = zpipe({"results", "--status", "stopped"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;

  sink_->request_stop();
  const auto status = sink_->wait_for(20s);
  ASSERT_TRUE(status.has_value()) << log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << log();
  EXPECT_NE(log().find("3 outcomes recorded (0 failures, 2 cancelled), 2 duplicates dropped"),
            std::string::npos)
      << log();
}

// Job mx2-1 of batch mx2-b1, made by mx2-0: it succeeded with two follow-ups and a chain of two
// steps to go.
Outcome made_others(std::uint64_t at_ms) {
  Outcome o;
  o.id = "mx2-1";
  o.type = "resize";
  o.worker = "host:42";
  o.created_ms = at_ms - 100;
  o.started_ms = at_ms - 50;
  o.finished_ms = at_ms;
  o.result = Payload::from_json({{"width", 256}});
  o.parent = "mx2-0";
  o.batch = "mx2-b1";
  o.follow_ups = {JobSpec{"index", Payload::from_json({{"n", 1}}), 0, 0},
                  JobSpec{"index", Payload::from_json({{"n", 2}}), 0, 0}};
  o.then = {JobSpec{"upload", Payload::from_json({{"to", "s3"}}), 0, 0},
            JobSpec{"notify", Payload(), 0, 0}};
  return o;
}

TEST_F(LoneSink, AcksASuccessWithWhatItMadeAndItsDuplicateWithWhatTheFirstOutcomeMade) {
  const auto at = unix_ms_now() - 60'000;
  const auto first = made_others(at);
  const auto acks = send({first});
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_FALSE(acks[0].duplicate);
  EXPECT_EQ(acks[0].follow_ups, first.follow_ups);
  ASSERT_TRUE(acks[0].next.has_value());
  EXPECT_EQ(acks[0].next->type, "upload");
  EXPECT_EQ(acks[0].next->payload.to_json(),
            nlohmann::json(
                {{"to", "s3"}, {"previous_result", {{"width", 256}}}, {"previous_job", "mx2-1"}}));
  ASSERT_EQ(acks[0].next->then.size(), 1u);
  EXPECT_EQ(acks[0].next->then[0].type, "notify");

  // It ran again and made other jobs; a job of the batch failed with follow-ups of its own.
  auto again = first;
  again.follow_ups = {JobSpec{"other", Payload(), 0, 0}};
  again.result = Payload::from_json("different");
  auto failed = first;
  failed.id = "mx2-2";
  failed.status = OutcomeStatus::kFailed;
  failed.error_code = "handler_error";
  failed.error = "boom";
  const auto repeated = send({again, failed});
  ASSERT_EQ(repeated.size(), 2u);
  EXPECT_TRUE(repeated[0].duplicate);
  EXPECT_EQ(repeated[0].status, OutcomeStatus::kSucceeded);
  EXPECT_EQ(repeated[0].follow_ups, first.follow_ups) << "the first outcome's, as stored";
  EXPECT_EQ(repeated[0].next, acks[0].next);
  EXPECT_FALSE(repeated[1].duplicate);
  EXPECT_TRUE(repeated[1].follow_ups.empty()) << "a failure makes nothing";
  EXPECT_FALSE(repeated[1].next.has_value());

  // Its first follow-up ended, and so did an on_failure job the ventilator made for it.
  auto follow_up = made_others(at);
  follow_up.id = "mx2-1.1";
  follow_up.type = "index";
  follow_up.parent = "mx2-1";
  follow_up.follow_ups.clear();
  follow_up.then.clear();
  auto alert = follow_up;
  alert.id = "mx2-1.f1";
  alert.type = "alert";
  alert.batch.clear();
  alert.status = OutcomeStatus::kFailed;
  alert.error_code = "invalid";
  ASSERT_EQ(send({follow_up, alert}).size(), 2u);

  auto show = std::vector<std::string>{"show", "mx2-1"};
  for (auto& arg : no_ventilator()) show.push_back(arg);
  const auto shown = zpipe(show);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const auto* line :
       {"parent        mx2-0\n", "batch         mx2-b1\n",
        "children\n  ID       TYPE   STATE\n  mx2-1.1  index  succeeded\n"
        "  mx2-1.2  index  not recorded yet\n  mx2-1.s1 upload not recorded yet\n"
        "  mx2-1.f1 alert  failed\n"}) {
    EXPECT_NE(shown.out.find(line), std::string::npos) << line << "in:\n" << shown.out;
  }
  show.push_back("--json");
  const auto json = nlohmann::json::parse(zpipe(show).out);
  EXPECT_EQ(json["parent"], "mx2-0");
  EXPECT_EQ(json["batch"], "mx2-b1");
  ASSERT_EQ(json["children"].size(), 4u) << json.dump();
  EXPECT_EQ(
      json["children"][2],
      nlohmann::json({{"id", "mx2-1.s1"}, {"type", "upload"}, {"state", "not recorded yet"}}));

  const auto ids_listed = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"results", "--json"});
    std::vector<std::string> ids;
    for (const auto& row : nlohmann::json::parse(zpipe(args).out)) ids.push_back(row["id"]);
    return ids;
  };
  EXPECT_EQ(ids_listed({"--batch", "mx2-b1"}),
            (std::vector<std::string>{"mx2-1.1", "mx2-2", "mx2-1"}));
  EXPECT_EQ(ids_listed({"--batch", "mx2-b1", "--status", "failed"}),
            (std::vector<std::string>{"mx2-2"}));
  EXPECT_TRUE(ids_listed({"--batch", "mx2-b2"}).empty());
}

}  // namespace
}  // namespace zpipe::test
