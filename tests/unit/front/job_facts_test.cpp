#include "front/job_facts.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "client/client.hpp"
#include "front/show_json.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

using namespace std::chrono_literals;

Outcome outcome(const std::string& id, const std::string& type, std::uint32_t attempt,
                OutcomeStatus status) {
  Outcome o;
  o.id = id;
  o.type = type;
  o.attempt = attempt;
  o.max_attempts = 3;
  o.status = status;
  if (status == OutcomeStatus::kFailed) {
    o.error_code = "handler_error";
    o.error = "boom";
  }
  o.result = Payload::from_json({{"n", attempt}});
  o.worker = "host:1";
  return o;
}

JobSpec spec(const std::string& type) {
  JobSpec job;
  job.type = type;
  return job;
}

// A store where job mx-1 failed once, then succeeded making a follow-up (echo) and a chain step
// (resize); the follow-up and another job naming mx-1 as its parent (notify) are recorded, the
// chain step is not.
class JobFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OutcomeStore writer(path_, OutcomeStore::Access::kReadWrite);
    auto success = outcome("mx-1", "thumbnail", 2, OutcomeStatus::kSucceeded);
    success.follow_ups = {spec("echo")};
    success.then = {spec("resize")};
    auto follow_up = outcome("mx-1.1", "echo", 1, OutcomeStatus::kSucceeded);
    follow_up.parent = "mx-1";
    auto notify = outcome("mx-1.n", "notify", 3, OutcomeStatus::kFailed);
    notify.parent = "mx-1";
    for (const auto& o :
         {outcome("mx-1", "thumbnail", 1, OutcomeStatus::kFailed), success, follow_up, notify}) {
      ASSERT_TRUE(writer.record({o}, 5'000).ok());
    }
  }

  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "outcomes.db";
};

TEST_F(JobFactsTest, TheStoreGivesTheJobsEndAttemptsAndTheJobsItMade) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadOnly);
  const auto facts = gather_job_facts({.store = &store}, "mx-1");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  const auto& f = facts.value();
  EXPECT_TRUE(f.is_known());
  ASSERT_TRUE(f.row.has_value());
  EXPECT_EQ(f.row->outcome.status, OutcomeStatus::kSucceeded);
  ASSERT_EQ(f.attempts.size(), 2u);
  EXPECT_EQ(f.attempts[0].status, OutcomeStatus::kFailed);
  EXPECT_EQ(f.attempts[1].status, OutcomeStatus::kSucceeded);
  ASSERT_EQ(f.children.size(), 3u);
  EXPECT_EQ(f.children[0].id, "mx-1.1");
  EXPECT_EQ(f.children[0].type, "echo");
  EXPECT_EQ(f.children[0].state, "succeeded") << "as recorded";
  EXPECT_EQ(f.children[1].id, "mx-1.s1");
  EXPECT_EQ(f.children[1].type, "resize");
  EXPECT_EQ(f.children[1].state, kNotRecordedYet) << "nothing asked knows it";
  EXPECT_EQ(f.children[2].id, "mx-1.n");
  EXPECT_EQ(f.children[2].state, "failed");
  EXPECT_FALSE(f.now.has_value());
  EXPECT_EQ(f.store_problem, "");
  EXPECT_NE(f.ventilator_problem, "") << "the ventilator was not asked";
}

TEST_F(JobFactsTest, WithoutAStoreItSaysWhyAndKnowsNothingTheVentilatorDoesNotTell) {
  const auto facts = gather_job_facts(
      {.why_no_store = "no store at /x/outcomes.db", .why_no_ventilator = "keys not loaded"},
      "mx-1");
  ASSERT_TRUE(facts.ok());
  EXPECT_FALSE(facts.value().is_known());
  EXPECT_EQ(facts.value().store_problem, "no store at /x/outcomes.db");
  EXPECT_EQ(facts.value().ventilator_problem, "keys not loaded");
  EXPECT_TRUE(facts.value().children.empty());
  EXPECT_NE(gather_job_facts({}, "mx-1").value().store_problem, "")
      << "a store not given is said as absent even with no reason given";
}

TEST_F(JobFactsTest, AVentilatorThatDoesNotAnswerIsNotedAndTheStoresFactsStay) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadOnly);
  Client nothing_there(ClientConfig::to("tcp://127.0.0.1:1", 200ms));
  const auto facts = gather_job_facts({.store = &store, .ventilator = &nothing_there}, "mx-1");
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_TRUE(facts.value().row.has_value());
  EXPECT_FALSE(facts.value().now.has_value());
  EXPECT_NE(facts.value().ventilator_problem, "");
  EXPECT_EQ(facts.value().children.at(1).state, kNotRecordedYet);
}

TEST_F(JobFactsTest, ShowJsonIsNothingForAJobNothingKnowsAndTheObjectForOneItKnows) {
  OutcomeStore store(path_, OutcomeStore::Access::kReadOnly);
  const auto unknown = show_json({.store = &store}, "mx-404");
  ASSERT_TRUE(unknown.ok()) << unknown.error().message;
  EXPECT_FALSE(unknown.value().has_value());
  const auto known = show_json({.store = &store}, "mx-1");
  ASSERT_TRUE(known.ok()) << known.error().message;
  ASSERT_TRUE(known.value().has_value());
  EXPECT_EQ((*known.value())["id"], "mx-1");
  EXPECT_EQ((*known.value())["status"], "succeeded");
  EXPECT_EQ((*known.value())["attempts"].size(), 2u);
  EXPECT_EQ((*known.value())["children"].size(), 3u);
}

}  // namespace
}  // namespace zpipe
