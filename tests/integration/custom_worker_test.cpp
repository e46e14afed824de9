// A user's own programs in a pipeline: the example custom worker (examples/custom_worker)
// serving its own job types (word_count; contact_email, the guide's job followed from start to
// finish), the example middleware (examples/middleware), and the example producer
// (examples/producer) built on zpipe::client.
#include <fstream>
#include <iterator>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"
#include "tests/support/fake_ventilator.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

TEST(CustomWorker, RunsItsOwnHandlerBesideTheBuiltIns) {
  TestPipelineOptions options(1);
  options.worker_program = "zpipe-example-worker";
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  auto ids = client.submit(
      {JobSpec{"word_count", Payload::from_json({{"text", "the cat and the hat"}}), 0, 0},
       JobSpec{"word_count", Payload::from_json(42), 0, 0},
       JobSpec{"echo", Payload::from_json("still here"), 0, 0}});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(pipeline.wait_for_finished(3, std::chrono::seconds(20)));
  const auto store = pipeline.store();
  const auto counted = store->find(ids.value()[0]).value()->outcome;
  ASSERT_TRUE(counted.succeeded()) << counted.error;
  EXPECT_EQ(counted.result.to_json()["words"], 5);
  EXPECT_EQ(counted.result.to_json()["distinct"], 4);
  EXPECT_EQ(counted.result.to_json()["top"][0], (nlohmann::json{"the", 2}));
  const auto refused = store->find(ids.value()[1]).value()->outcome;
  EXPECT_EQ(refused.error, "word_count needs a payload {\"text\": \"...\"}");
  EXPECT_EQ(store->find(ids.value()[2]).value()->outcome.result.to_json(), "still here");
  EXPECT_TRUE(pipeline.stop());
}

// The guide's contact form: the mail is spooled once per form submission, a relay that is down
// (no spool directory) fails the job until it is dead, and `zpipe retry` once the relay is back
// sends it; a second job for the same submission sends nothing twice.
TEST(CustomWorker, ContactEmailSpoolsEachFormOnceAndRetriesWhenTheRelayIsBack) {
  TempDir spool_parent;
  const auto spool = spool_parent.path() / "spool";
  TestPipelineOptions options(1);
  options.worker_program = "zpipe-example-worker";
  options.worker_args = {"--mail-spool", spool.string()};
  options.ventilator_args = {"--retry-delay", "0.1"};
  TestPipeline pipeline(options);
  const auto zpipe = [&](std::vector<std::string> args) {
    args.insert(args.begin(), program("zpipe"));
    args.insert(args.end(), {"--ventilator", pipeline.endpoints().submit});
    return run_program(args, std::chrono::seconds(20));
  };
  const std::vector<std::string> form{"submit",         "contact_email",
                                      "--unique-key",   "contact-1842",
                                      "--arg",          "contact=1842",
                                      "--arg",          "from=ada@example.org",
                                      "--arg",          "message=Where is my order?",
                                      "--max-attempts", "2"};
  const auto submitted = zpipe(form);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto id = submitted.out.substr(0, submitted.out.find('\n'));
  ASSERT_TRUE(pipeline.wait_for_finished(1, std::chrono::seconds(20)));
  const auto dead = pipeline.store()->find(id).value()->outcome;
  EXPECT_FALSE(dead.succeeded());
  EXPECT_EQ(dead.error, "mail relay unavailable: no spool directory " + spool.string());
  EXPECT_EQ(dead.attempt, 2u) << "unavailable is retried";
  const auto failures = zpipe({"failures", "--data-dir", pipeline.data_dir().string()});
  EXPECT_NE(failures.out.find(id), std::string::npos) << failures.out << failures.err;

  std::filesystem::create_directory(spool);
  const auto retried = zpipe({"retry", id});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  ASSERT_TRUE(wait_until([&] { return pipeline.store()->find(id).value()->outcome.attempt == 3; },
                         std::chrono::seconds(20)))
      << "retry numbers its attempts on from the last";
  const auto sent = pipeline.store()->find(id).value()->outcome;
  ASSERT_TRUE(sent.succeeded()) << sent.error;
  const auto mail_path = spool / "contact-1842.eml";
  EXPECT_EQ(sent.result.to_json()["spooled"], mail_path.string());
  std::ifstream in(mail_path);
  const std::string mail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(mail.find("From: ada@example.org\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Message-ID: <contact-1842@example.org>\r\n"), std::string::npos) << mail;
  EXPECT_NE(mail.find("\r\n\r\nWhere is my order?\r\n"), std::string::npos) << mail;

  // The producer submits the same form again (its first submit timed out, say): a new job, as
  // the first is over, but no second mail.
  const auto again = zpipe(form);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto again_id = again.out.substr(0, again.out.find('\n'));
  const auto finished = [&](const std::string& job) {
    return wait_until(
        [&] {
          auto found = pipeline.store()->find(job);
          return found.ok() && found.value().has_value();
        },
        std::chrono::seconds(20));
  };
  ASSERT_TRUE(finished(again_id));
  const auto second = pipeline.store()->find(again_id).value()->outcome;
  ASSERT_TRUE(second.succeeded()) << second.error;
  EXPECT_EQ(second.result.to_json()["already"], true);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(spool)) ++files;
  EXPECT_EQ(files, 1u) << "one mail, no temporary file left";

  const auto bad = zpipe({"submit", "contact_email", "--arg", "contact=0"});
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  const auto bad_id = bad.out.substr(0, bad.out.find('\n'));
  ASSERT_TRUE(finished(bad_id));
  const auto refused = pipeline.store()->find(bad_id).value();
  EXPECT_EQ(refused->outcome.error,
            "contact_email: needs \"contact\", the form submission's number");
  EXPECT_EQ(refused->outcome.attempt, 1u) << "invalid is not retried";
  EXPECT_TRUE(pipeline.stop());
}

// examples/middleware: its timing middleware logs every job, built-in ones too; a handler's
// TransientError fails the attempt as unavailable (tried again), any other exception as
// invalid (the job ends at once).
TEST(CustomWorker, MiddlewareTimesEveryJobAndSortsExceptionsIntoRetriedOrFinal) {
  FakeVentilator ventilator(program("zpipe-example-middleware"), {"--heartbeat", "0.1"});
  const auto job_of = [](const std::string& id, const std::string& type,
                         const nlohmann::json& payload) {
    return Job{id, type, Payload::from_json(payload), 1, 3, 60'000, 1};
  };
  ventilator.send(encode(
      JobBatch{{job_of("acme", "quote", {{"symbol", "ACME"}}),
                job_of("flaky", "quote", {{"symbol", "FLAKY"}}),
                job_of("nope", "quote", {{"symbol", "NOPE"}}), job_of("hi", "echo", "hi")}}));
  std::map<std::string, Outcome> outcomes;
  while (outcomes.size() < 4) {
    auto outcome = ventilator.next_outcome(std::chrono::seconds(20));
    ASSERT_TRUE(outcome.has_value()) << ventilator.log();
    outcomes[outcome->id] = std::move(*outcome);
  }
  EXPECT_EQ(outcomes["acme"].result.to_json(),
            (nlohmann::json{{"symbol", "ACME"}, {"price", 12.5}}));
  EXPECT_EQ(outcomes["flaky"].error_code, "unavailable");
  EXPECT_EQ(outcomes["flaky"].error, "the price service did not answer within 2 s");
  EXPECT_FALSE(ends_job(outcomes["flaky"]));
  EXPECT_EQ(outcomes["nope"].error_code, "invalid");
  EXPECT_EQ(outcomes["nope"].error, "no such symbol: NOPE");
  EXPECT_TRUE(ends_job(outcomes["nope"]));
  EXPECT_TRUE(outcomes["hi"].succeeded());
  EXPECT_EQ(ventilator.worker().stop(std::chrono::seconds(10)), 0);
  const auto log = ventilator.log();
  for (const auto* timed : {"quote acme took ", "quote nope took ", "echo hi took "}) {
    EXPECT_NE(log.find(timed), std::string::npos) << timed << "\n" << log;
  }
  EXPECT_NE(log.find("quote flaky (attempt 1): handler threw: the price service did not answer"),
            std::string::npos)
      << log;
}

TEST(CustomProducer, SubmitsJobsThatThePipelineFinishes) {
  TestPipeline pipeline(TestPipelineOptions(1));
  const auto run = run_program(
      {program("zpipe-example-producer"), "--ventilator", pipeline.endpoints().submit, "2500"},
      std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("submitted 2500 jobs"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("finished: 2500 succeeded, 0 dead"), std::string::npos) << run.out;
  ASSERT_TRUE(pipeline.wait_for_finished(2500, std::chrono::seconds(20)));
  const auto rows = pipeline.store()->list({std::nullopt, "", 10'000}).value();
  ASSERT_EQ(rows.size(), 2500u);
  EXPECT_EQ(rows.front().outcome.result.to_json().count("n"), 1u) << "the echo of its payload";
  EXPECT_TRUE(pipeline.stop());
}

// zpipe::client brings libzmq, not the libraries of zpipe's own programs.
TEST(CustomProducer, LinksNoneOfTheProgramsLibraries) {
  const auto run = run_program({"readelf", "--dynamic", program("zpipe-example-producer")},
                               std::chrono::seconds(10));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_NE(run.out.find("libzmq"), std::string::npos) << run.out;
  for (const auto* library : {"libsqlite3", "libspdlog", "libfmt", "libvips", "libncurses"}) {
    EXPECT_EQ(run.out.find(library), std::string::npos) << library << " in\n" << run.out;
  }
}

}  // namespace
}  // namespace zpipe::test
