// The outcome store as a user meets it: the job's payload in `zpipe show`, `zpipe prune` on a
// real store, and a sink started with --keep.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "common/clock.hpp"
#include "common/endpoints.hpp"
#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

JobSpec echo_job(const nlohmann::json& payload) {
  return JobSpec{"echo", Payload::from_json(payload), 0, 0};
}

TEST(OutcomeStoreCommands, ShowPrintsTheJobsPayloadOrSaysWhyNot) {
  TestPipeline pipeline;
  const nlohmann::json payload{{"to", "ann@example.com"}, {"items", {1, 2, 3}}};
  auto client = pipeline.client();
  const auto small = client.submit(echo_job(payload));
  ASSERT_TRUE(small.ok()) << small.error().message;
  // sleep keeps its result small: only the payload is over the 64 KiB a worker sends back.
  const auto large = client.submit(
      JobSpec{"sleep", Payload::from_json({{"ms", 1}, {"blob", std::string(100'000, 'x')}}), 0, 0});
  ASSERT_TRUE(large.ok()) << large.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(2, 20s));
  const auto data = pipeline.data_dir().string();

  const auto shown =
      run_program({program("zpipe"), "show", small.value(), "--data-dir", data}, 10s);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  // Into a pipe the payload is printed whole, pretty, before the result.
  const auto pretty = "payload\n" + payload.dump(2) + "\nresult\n";
  EXPECT_NE(shown.out.find(pretty), std::string::npos) << shown.out;
  const auto json =
      run_program({program("zpipe"), "show", small.value(), "--json", "--data-dir", data}, 10s);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["payload"], payload);
  EXPECT_FALSE(j.contains("payload_bytes"));

  const auto big = run_program({program("zpipe"), "show", large.value(), "--data-dir", data}, 10s);
  ASSERT_EQ(big.exit_code, 0) << big.err;
  EXPECT_NE(big.out.find("payload       payload of 97.7 KiB not kept (a worker sends back "
                         "payloads of 64 KiB at most, and the sink keeps none while its disk is "
                         "short of room)\n"),
            std::string::npos)
      << big.out;
  const auto big_json =
      run_program({program("zpipe"), "show", large.value(), "--json", "--data-dir", data}, 10s);
  const auto bj = nlohmann::json::parse(big_json.out);
  EXPECT_TRUE(bj["payload"].is_null());
  EXPECT_GT(bj["payload_bytes"].get<std::uint64_t>(), 100'000u);
  EXPECT_TRUE(pipeline.stop());
}

// Sets the time the jobs `ids` were recorded at (as if the sink had recorded them then).
void record_at(const std::filesystem::path& store, const std::vector<std::string>& ids,
               std::uint64_t ms) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  for (const auto& id : ids) {
    for (const char* table : {"jobs", "attempts"}) {
      const auto sql = std::string("UPDATE ") + table + " SET recorded_ms = " + std::to_string(ms) +
                       " WHERE id = '" + id + "'";
      ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
    }
  }
  sqlite3_close(db);
}

TEST(OutcomeStoreCommands, PruneDeletesWhatWasRecordedBeforeTheCutOff) {
  TestPipeline pipeline;
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 5; ++i) jobs.push_back(echo_job({{"n", i}}));
  const auto ids = pipeline.client().submit(jobs);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(5, 20s));
  const auto data = pipeline.data_dir().string();

  // Beside a running sink: refused, pointing to --keep; a dry run is fine.
  const auto beside =
      run_program({program("zpipe"), "prune", "--older-than", "1d", "--data-dir", data}, 10s);
  EXPECT_EQ(beside.exit_code, 1);
  EXPECT_NE(beside.err.find("is in use by another sink"), std::string::npos) << beside.err;
  EXPECT_NE(beside.err.find("restart it with --keep 1d"), std::string::npos) << beside.err;
  ASSERT_TRUE(pipeline.stop());

  const auto& v = ids.value();
  record_at(outcome_store_path(data), {v[0], v[1], v[2]}, unix_ms_now() - 3 * 24 * 3600 * 1000);
  const auto dry = run_program(
      {program("zpipe"), "prune", "--older-than", "2d", "--dry-run", "--data-dir", data}, 10s);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out.find("would delete 3 jobs and 3 attempts recorded before "), 0u) << dry.out;

  const auto pruned =
      run_program({program("zpipe"), "prune", "--older-than", "2d", "--data-dir", data}, 10s);
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_EQ(pruned.out.find("deleted 3 jobs and 3 attempts recorded before "), 0u) << pruned.out;
  EXPECT_NE(pruned.out.find("(2d ago); "), std::string::npos) << pruned.out;
  EXPECT_NE(pruned.out.find("of the store's file is free for new outcomes"), std::string::npos)
      << pruned.out;

  const auto results =
      run_program({program("zpipe"), "results", "--json", "--data-dir", data}, 10s);
  std::vector<std::string> left;
  for (const auto& row : nlohmann::json::parse(results.out)) left.push_back(row["id"]);
  EXPECT_EQ(left, (std::vector<std::string>{v[4], v[3]}));
  const auto gone = run_program({program("zpipe"), "show", v[0], "--data-dir", data}, 10s);
  EXPECT_EQ(gone.exit_code, 1);

  const auto again =
      run_program({program("zpipe"), "prune", "--older-than", "2d", "--data-dir", data}, 10s);
  EXPECT_EQ(again.out.find("deleted 0 jobs and 0 attempts"), 0u) << again.out;
  const auto bad =
      run_program({program("zpipe"), "prune", "--older-than", "2 days", "--data-dir", data}, 10s);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("such as 90m, 12h, 30d or 2w"), std::string::npos) << bad.err;
}

TEST(OutcomeStoreCommands, ASinkWithKeepDeletesOldJobsWhileRecordingNewOnes) {
  TestPipelineOptions options;
  options.sink_args = {"--keep", "2s"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  std::vector<JobSpec> jobs(20, echo_job({{"round", "first"}}));
  const auto first = client.submit(jobs);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE(pipeline.wait_for_finished(20, 20s));
  auto store = pipeline.store();
  ASSERT_TRUE(store->find(first.value().front()).value().has_value());

  // New jobs keep coming while the first round ages past 2 s and goes.
  std::vector<std::string> later;
  const auto first_gone = [&] {
    for (const auto& id : first.value()) {
      if (store->find(id).value().has_value()) return false;
    }
    return true;
  };
  ASSERT_TRUE(wait_until(
      [&] {
        const auto id = client.submit(echo_job({{"round", "later"}}));
        if (id.ok()) later.push_back(id.value());
        return first_gone();
      },
      15s, 200ms))
      << pipeline.log_of("sink");
  ASSERT_GE(later.size(), 5u) << "2 s at least passed";
  ASSERT_TRUE(pipeline.wait_for_finished(20 + later.size(), 20s));
  EXPECT_TRUE(store->find(later.back()).value().has_value()) << "the newest outcome is kept";
  EXPECT_TRUE(store->attempts(first.value().front()).value().empty());
  EXPECT_NE(pipeline.log_of("sink").find("recorded more than 2s ago (--keep)"), std::string::npos)
      << pipeline.log_of("sink");
  EXPECT_TRUE(pipeline.exited_programs().empty());
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
