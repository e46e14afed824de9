// A user's own programs in a pipeline: the example custom worker (examples/custom_worker)
// serving its own job type, and the example producer (examples/producer) built on zpipe::client.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/program_run.hpp"
#include "tests/support/test_pipeline.hpp"

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
