// Credit-based dispatch, on the real programs: a worker holds no more jobs than it asked for
// (its slots and its prefetch), so that a worker that comes later, or is faster, gets the rest.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "common/protocol.hpp"
#include "common/socket.hpp"
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

// A peer that asks for a billion jobs and never reads them (found by an adversarial pass: it
// took 49,438 of 100,000 jobs, which then waited out their time limit) gets its window, no
// more, and gives it back once it is silent for three of its heartbeat intervals.
TEST(Dispatch, AGreedyPeerGetsItsWindowNotTheQueueAndLosesItWhenSilent) {
  TestPipelineOptions options(0, 1);
  TestPipeline pipeline(options);
  zmq::context_t context(1);
  auto greedy = make_socket(context, zmq::socket_type::dealer, SocketOptions{});
  greedy.set(zmq::sockopt::routing_id, "greedy");
  greedy.connect(pipeline.endpoints().jobs);
  // A heartbeat promise of a second, kept never; then a credit of a billion, slots unsaid (1).
  (void)greedy.send(zmq::buffer(encode(Heartbeat{1000, false, "greedy"})), zmq::send_flags::none);
  (void)greedy.send(zmq::buffer(encode(Credit{1'000'000'000, true, "greedy"})),
                    zmq::send_flags::none);
  ASSERT_TRUE(wait_until(
      [&] {
        return pipeline.log_of("ventilator").find("worker greedy connected") != std::string::npos;
      },
      5s));

  auto client = pipeline.client();
  constexpr std::size_t kJobs = 5000;
  const std::vector<JobSpec> jobs(kJobs, JobSpec{"echo", Payload::from_json({{"n", 1}}), 0, 0});
  ASSERT_TRUE(client.submit(jobs).ok());
  const auto counts = [&] {
    const auto status = client.status();
    EXPECT_TRUE(status.ok()) << status.error().message;
    return status.ok() ? status.value() : PipelineCounts{};
  };
  // Within 3 s of its last word it is not yet lost: it holds its window, 1 slot + 1,000.
  ASSERT_TRUE(wait_until([&] { return counts().in_flight > 0; }, 5s));
  EXPECT_EQ(counts().in_flight, 1 + kMaxJobsAhead) << "what the greedy peer holds";
  EXPECT_EQ(counts().pending, kJobs - 1 - kMaxJobsAhead);

  // Three silent intervals later it is lost: its jobs go to the real worker.
  pipeline.add_worker();
  ASSERT_TRUE(pipeline.wait_for_finished(kJobs, 30s)) << counts().succeeded << " succeeded\n"
                                                      << pipeline.log_of("ventilator");
  EXPECT_NE(pipeline.log_of("ventilator").find("worker greedy vanished (no heartbeat for"),
            std::string::npos)
      << pipeline.log_of("ventilator");
  const auto store = pipeline.store();
  const auto totals = store->totals();
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals.value().succeeded, kJobs) << "every job once";
  greedy.close();
  EXPECT_TRUE(pipeline.stop());
}

}  // namespace
}  // namespace zpipe::test
