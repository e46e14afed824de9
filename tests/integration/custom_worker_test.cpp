// The example custom worker (examples/custom_worker) serving its own job type in a pipeline.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace zpipe::test
