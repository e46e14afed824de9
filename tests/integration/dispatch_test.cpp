// Credit-based dispatch, on the real programs: a worker holds no more jobs than it asked for
// (its slots and its prefetch), so that a worker that comes later, or is faster, gets the rest.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_pipeline.hpp"
#include "tests/support/wait_until.hpp"

namespace zpipe::test {
namespace {

using namespace std::chrono_literals;

TEST(Dispatch, ABusyWorkerHoldsOnlyWhatItAskedForAndALaterWorkerGetsTheRest) {
  TestPipelineOptions options(1, 1);
  options.worker_args = {"--prefetch", "1"};
  TestPipeline pipeline(options);
  auto client = pipeline.client();
  const std::vector<JobSpec> jobs(
      20, JobSpec{"sleep", Payload::from_json(nlohmann::json{{"ms", 300}}), 0, 0});
  const auto ids = client.submit(jobs);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  const auto in_flight = [&] {
    const auto counts = client.status();
    EXPECT_TRUE(counts.ok()) << counts.error().message;
    return counts.ok() ? counts.value().in_flight : ~std::uint64_t{0};  // never a pass
  };
  // One running, one waiting for the slot: the other 18 stay with the ventilator. What the
  // ventilator counts in flight is what the worker holds (2 at most) and, for a moment after
  // each job ends, that job too: its outcome is on its way to the sink and its ack back, while
  // the worker has already asked for the next (one slot: one such job at a time).
  ASSERT_TRUE(wait_until([&] { return in_flight() == 2; }, 5s)) << in_flight();
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(50ms);
    EXPECT_LE(in_flight(), 3u) << "the worker asked for 2 at a time (+1 whose ack is on its way)";
  }

  pipeline.add_worker();
  ASSERT_TRUE(wait_until([&] { return in_flight() == 4; }, 5s))
      << "the second worker gets jobs while the first is still busy; in flight " << in_flight();
  ASSERT_TRUE(pipeline.wait_for_finished(20, 30s));
  const auto store = pipeline.store();
  std::map<std::string, int> ran_by;
  for (const auto& id : ids.value()) {
    const auto attempts = store->attempts(id).value();
    ASSERT_EQ(attempts.size(), 1u) << id;
    ++ran_by[attempts.front().worker];
  }
  ASSERT_EQ(ran_by.size(), 2u);
  for (const auto& [worker, count] : ran_by) EXPECT_GE(count, 5) << worker;
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
