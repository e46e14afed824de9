#include "monitor/pipeline_view.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;
using Clock = PipelineView::Clock;

class PipelineViewTest : public ::testing::Test {
 protected:
  Event event(std::string name, std::string source, std::map<std::string, std::string> fields) {
    return Event{std::move(name), std::move(source), ++seq_[source], 1'700'000'000'000,
                 std::move(fields)};
  }
  void state(Clock::time_point at, std::uint64_t succeeded, std::uint64_t pending,
             std::uint64_t in_flight = 0, std::uint64_t failed = 0) {
    view_.apply(event("ventilator.state", "ventilator h:1",
                      {{"accepted", std::to_string(succeeded + failed + pending + in_flight)},
                       {"pending", std::to_string(pending)},
                       {"in_flight", std::to_string(in_flight)},
                       {"succeeded", std::to_string(succeeded)},
                       {"failed", std::to_string(failed)},
                       {"dead", "0"}}),
                at);
  }
  // Its event time is 1'700'000'000'000: the job had run for 1 s.
  void heartbeat(Clock::time_point at, const std::string& worker, int slots = 2,
                 const std::string& interval_ms = "1000") {
    view_.apply(event("worker.heartbeat", "worker " + worker,
                      {{"state", "busy"},
                       {"slots", std::to_string(slots)},
                       {"busy", "1"},
                       {"busy_pct", "75"},
                       {"succeeded", "10"},
                       {"failed", "1"},
                       {"interval_ms", interval_ms},
                       {"job", "j-9"},
                       {"job_type", "sleep"},
                       {"job_started_ms", "1699999999000"}}),
                at);
  }

  PipelineView view_;
  std::map<std::string, std::uint64_t> seq_;
  Clock::time_point t0_ = Clock::time_point{} + 1h;
};

TEST_F(PipelineViewTest, KeepsTheVentilatorsLastAnswersAboutQueuesAndSinceWhenItIsSilent) {
  const auto t0 = Clock::time_point{} + 1h;
  EXPECT_FALSE(view_.queues().reply.has_value());
  view_.queues_asked(t0);
  view_.queues_asked(t0 + 1s);
  EXPECT_EQ(view_.queues().unanswered_since, t0) << "since the first unanswered request";
  view_.apply_queues(QueuesReply{1, {QueueSummary{"mail", 3, 0, 0, 900, true}}, {}}, t0 + 2s);
  ASSERT_TRUE(view_.queues().reply.has_value());
  EXPECT_EQ(view_.queues().reply->queues.at(0).name, "mail");
  EXPECT_FALSE(view_.queues().unanswered_since.has_value());
  StatusReply status;
  status.by_type = {TypeCounts{"echo", 4, 0, 0, 0, 0}, TypeCounts{"word_count", 2, 0, 0, 0, 0}};
  status.types_without_workers = {"word_count"};
  view_.apply_status(status, t0 + 2s);
  EXPECT_EQ(view_.queues().types_without_workers, std::vector<std::string>{"word_count"});
  ASSERT_EQ(view_.queues().waiting_types.size(), 1u) << "only the counts of those types";
  EXPECT_EQ(view_.queues().waiting_types[0].pending, 2u);
}

TEST_F(PipelineViewTest, TotalsComeFromTheVentilatorsState) {
  EXPECT_FALSE(view_.totals().known);
  state(t0_, 90, 5, 3, 2);
  const auto& t = view_.totals();
  EXPECT_TRUE(t.known);
  EXPECT_EQ(t.accepted, 100u);
  EXPECT_EQ(t.succeeded, 90u);
  EXPECT_EQ(t.failed, 2u);
  EXPECT_EQ(t.pending, 5u);
  EXPECT_EQ(t.in_flight, 3u);
}

TEST_F(PipelineViewTest, ThroughputIsFinishedJobsPerSecondAndGivesTheEta) {
  state(t0_, 0, 1000);
  state(t0_ + 1s, 100, 900);
  state(t0_ + 2s, 200, 800);
  EXPECT_DOUBLE_EQ(view_.throughput(), 100.0);
  ASSERT_TRUE(view_.eta().has_value());
  EXPECT_EQ(*view_.eta(), 8s);
  EXPECT_EQ(view_.throughput_history(), (std::deque<double>{100.0, 100.0}));
}

TEST_F(PipelineViewTest, ThroughputFollowsTheRecentRateNotTheWholeRun) {
  state(t0_, 0, 10'000);
  for (int s = 1; s <= 10; ++s)
    state(t0_ + std::chrono::seconds(s), 1000u * static_cast<unsigned>(s), 5000);
  for (int s = 11; s <= 20; ++s)
    state(t0_ + std::chrono::seconds(s), 10'000 + 10u * static_cast<unsigned>(s - 10), 5000);
  EXPECT_NEAR(view_.throughput(), 10.0, 0.01);
}

TEST_F(PipelineViewTest, NoEtaWhenNothingMovesOrNothingWaits) {
  state(t0_, 0, 50);
  state(t0_ + 1s, 0, 50);
  EXPECT_FALSE(view_.eta().has_value());
  state(t0_ + 2s, 50, 0);
  EXPECT_FALSE(view_.eta().has_value());
}

TEST_F(PipelineViewTest, AdvisesWorkersFromTheBacklogAndTheMeasuredJobTime) {
  heartbeat(t0_, "a:1", 2);
  heartbeat(t0_, "b:2", 2);
  view_.apply(event("job.succeeded", "worker a:1", {{"job", "j-1"}, {"ms", "600"}}), t0_);
  state(t0_, 1, 2000);
  // 2000 jobs x 0.6 s = 1200 slot-seconds; in 5 minutes that is 4 slots, 2 workers of 2 slots.
  const auto advice = view_.advice(5);
  ASSERT_TRUE(advice.has_value());
  EXPECT_EQ(advice->backlog, 2000u);
  EXPECT_DOUBLE_EQ(advice->job_ms, 600.0);
  EXPECT_EQ(advice->workers_running, 2u);
  EXPECT_EQ(advice->workers_needed, 2u);
  EXPECT_EQ(view_.advice(1)->workers_needed, 10u);
}

TEST_F(PipelineViewTest, NoAdviceBeforeAnyJobFinished) {
  state(t0_, 0, 100);
  EXPECT_FALSE(view_.advice(5).has_value());
}

TEST_F(PipelineViewTest, MarksSilentWorkersVanishedAndForgetsThemLater) {
  heartbeat(t0_, "a:1");
  heartbeat(t0_, "b:2");
  view_.tick(t0_ + 2s);
  EXPECT_EQ(view_.workers()[0].state, "busy");
  heartbeat(t0_ + 3s, "b:2");
  view_.tick(t0_ + 3500ms);
  const auto workers = view_.workers();
  ASSERT_EQ(workers.size(), 2u);
  EXPECT_EQ(workers[0].name, "a:1");
  EXPECT_EQ(workers[0].state, "vanished");
  EXPECT_TRUE(workers[0].job.empty());
  EXPECT_EQ(workers[1].state, "busy");
  EXPECT_EQ(workers[1].job, "j-9");
  EXPECT_EQ(view_.advice(5), std::nullopt) << "no job time measured yet";
  view_.tick(t0_ + 5min);
  heartbeat(t0_ + 5min, "b:2");
  ASSERT_EQ(view_.workers().size(), 1u);
  EXPECT_EQ(view_.workers()[0].name, "b:2");
}

// The event hub lives in the ventilator: with it down nothing arrives from anyone, and workers
// that may be fine must not be called vanished.
TEST_F(PipelineViewTest, WhenNothingArrivesAtAllNoWorkerIsVanishedAndTheVentilatorIsNamed) {
  state(t0_, 0, 0);
  heartbeat(t0_, "a:1");
  heartbeat(t0_, "b:2");
  EXPECT_TRUE(view_.alerts(t0_ + 2s).empty());
  for (auto t = t0_; t <= t0_ + 30s; t += 1s) view_.tick(t);
  for (const auto& w : view_.workers()) EXPECT_EQ(w.state, "busy") << w.name;
  const auto alerts = view_.alerts(t0_ + 30s);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0],
            "ventilator not answering for 30 s: no events at all (it hosts the event hub)");

  // Back: the workers get their three heartbeats' grace from then, and one that stays silent
  // is vanished after them.
  state(t0_ + 31s, 0, 0);
  heartbeat(t0_ + 31s, "b:2");
  view_.tick(t0_ + 32s);
  EXPECT_EQ(view_.workers()[0].state, "busy") << "not at once: its heartbeat may be on its way";
  EXPECT_TRUE(view_.alerts(t0_ + 32s).empty());
  for (int s = 32; s <= 35; ++s) {
    state(t0_ + std::chrono::seconds(s), 0, 0);
    heartbeat(t0_ + std::chrono::seconds(s), "b:2");
  }
  view_.tick(t0_ + 35s);
  EXPECT_EQ(view_.workers()[0].state, "vanished");
  EXPECT_EQ(view_.workers()[1].state, "busy");
}

// The hub stops: one worker's last heartbeat came most of a second before the other's. Three
// seconds after the first, the stream's last event is under three seconds old, yet nobody is to
// blame but the hub.
TEST_F(PipelineViewTest, WhenTheHubStopsNoWorkerIsVanishedForHavingBeenHeardALittleEarlier) {
  state(t0_, 0, 0);
  heartbeat(t0_, "a:1");
  heartbeat(t0_ + 900ms, "b:2");
  for (auto t = t0_ + 1s; t <= t0_ + 10s; t += 50ms) view_.tick(t);
  for (const auto& w : view_.workers()) EXPECT_EQ(w.state, "busy") << w.name;
}

TEST_F(PipelineViewTest, WorkersWhoseHeartbeatsArriveAreNotVanishedWhenTheVentilatorIsSilent) {
  state(t0_, 0, 0);
  for (int s = 0; s <= 10; ++s) {
    heartbeat(t0_ + std::chrono::seconds(s), "a:1");
    view_.tick(t0_ + std::chrono::seconds(s));
  }
  EXPECT_EQ(view_.workers()[0].state, "busy");
  const auto alerts = view_.alerts(t0_ + 10s);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0], "ventilator not answering for 10 s; workers' heartbeats still arrive");
}

TEST_F(PipelineViewTest, HeartbeatsGiveTheWorkersRow) {
  heartbeat(t0_, "a:1", 4);
  const auto w = view_.workers().at(0);
  EXPECT_EQ(w.name, "a:1");
  EXPECT_EQ(w.state, "busy");
  EXPECT_EQ(w.slots, 4);
  EXPECT_EQ(w.busy_pct, 75);
  EXPECT_EQ(w.succeeded, 10u);
  EXPECT_EQ(w.failed, 1u);
  EXPECT_EQ(w.job, "j-9");
  EXPECT_EQ(w.job_type, "sleep");
  EXPECT_EQ(w.job_age_ms, 1000u);
}

TEST_F(PipelineViewTest, VanishingWaitsForThreeOfTheWorkersOwnHeartbeatIntervals) {
  heartbeat(t0_, "slow:1", 2, "5000");
  for (int s = 1; s <= 14; ++s) state(t0_ + std::chrono::seconds(s), 0, 0);  // others publish
  view_.tick(t0_ + 14s);
  EXPECT_EQ(view_.workers().at(0).state, "busy");
  state(t0_ + 15s, 0, 0);
  state(t0_ + 16s, 0, 0);
  view_.tick(t0_ + 16s);
  EXPECT_EQ(view_.workers().at(0).state, "vanished");
  EXPECT_EQ(view_.workers().at(0).busy_pct, 0) << "a vanished worker does no work";
}

TEST_F(PipelineViewTest, JobTimeInMicrosecondsWinsOverMilliseconds) {
  view_.apply(event("job.succeeded", "worker a:1", {{"ms", "0"}, {"us", "250"}}), t0_);
  state(t0_, 1, 1000);
  heartbeat(t0_, "a:1");
  EXPECT_DOUBLE_EQ(view_.advice(1)->job_ms, 0.25);
}

TEST_F(PipelineViewTest, WorkerDownIsShownAsDown) {
  heartbeat(t0_, "a:1");
  view_.apply(event("worker.down", "worker a:1", {}), t0_ + 1s);
  EXPECT_EQ(view_.workers()[0].state, "down");
}

TEST_F(PipelineViewTest, CountsMissedEventsFromSequenceGaps) {
  view_.apply(Event{"worker.heartbeat", "worker a:1", 1, 0, {}}, t0_);
  view_.apply(Event{"worker.heartbeat", "worker a:1", 2, 0, {}}, t0_);
  view_.apply(Event{"worker.heartbeat", "worker a:1", 6, 0, {}}, t0_);
  EXPECT_EQ(view_.missed_events(), 3u);
  view_.apply(Event{"worker.heartbeat", "worker a:1", 1, 0, {}}, t0_);  // it restarted
  view_.apply(Event{"worker.heartbeat", "worker a:1", 2, 0, {}}, t0_);
  EXPECT_EQ(view_.missed_events(), 3u);
  view_.apply(Event{"worker.heartbeat", "worker b:2", 40, 0, {}}, t0_);  // joined late: no gap
  EXPECT_EQ(view_.missed_events(), 3u);
}

TEST_F(PipelineViewTest, KeepsRecentFailuresNewestFirst) {
  for (int i = 0; i < 150; ++i) {
    view_.apply(event("job.failed", "worker a:1",
                      {{"job", "j-" + std::to_string(i)},
                       {"type", "fail"},
                       {"code", "handler_error"},
                       {"error", "boom"},
                       {"ms", "1"}}),
                t0_);
  }
  ASSERT_EQ(view_.failures().size(), PipelineView::kFailuresKept);
  EXPECT_EQ(view_.failures_seen(), 150u) << "the count goes on past what is kept";
  EXPECT_EQ(view_.failures().front().job, "j-149");
  EXPECT_EQ(view_.failures().front().worker, "a:1");
  EXPECT_EQ(view_.failures().front().error, "boom");
}

TEST_F(PipelineViewTest, IgnoresFieldsThatAreNotNumbers) {
  view_.apply(
      event("ventilator.state", "ventilator h:1", {{"pending", "lots"}, {"succeeded", "7"}}), t0_);
  EXPECT_EQ(view_.totals().pending, 0u);
  EXPECT_EQ(view_.totals().succeeded, 7u);
}

// Found by fuzz/pipeline_view_fuzzer.cpp (fuzz/regressions/pipeline_view/): numbers in events
// come from peers. "4294967296" slots became 0 slots, and "-2" (which std::stoull takes as
// 2^64-2) a negative count; a huge heartbeat interval overflowed the vanishing check.
TEST_F(PipelineViewTest, NumbersFromPeersAreReadStrictlyAndKeptInRange) {
  heartbeat(t0_, "a:1", 2, "18446744073709551615");
  view_.apply(event("worker.heartbeat", "worker b:2", {{"slots", "4294967296"}}), t0_);
  view_.apply(event("worker.heartbeat", "worker c:3", {{"slots", "-2"}, {"busy_pct", "5x"}}), t0_);
  const auto workers = view_.workers();
  ASSERT_EQ(workers.size(), 3u);
  EXPECT_EQ(workers[1].slots, 1'000'000) << "at most a million slots";
  EXPECT_EQ(workers[2].slots, 1) << "not a number: the default";
  EXPECT_EQ(workers[2].busy_pct, 0);
  // The pipeline goes on publishing.
  for (auto t = t0_ + 1s; t <= t0_ + 48h; t += 1s) state(t, 0, 0);
  view_.tick(t0_ + 48h);
  EXPECT_EQ(view_.workers()[0].state, "busy") << "an interval is a day at most: three of them";
  for (auto t = t0_ + 48h + 1s; t <= t0_ + 73h; t += 1s) state(t, 0, 0);
  view_.tick(t0_ + 73h);
  EXPECT_EQ(view_.workers()[0].state, "vanished");
}

TEST_F(PipelineViewTest, NoEtaAndCountedAdviceForAnEndlessBacklog) {
  state(t0_, 0, ~0ull / 2);
  state(t0_ + 1s, 1, ~0ull / 2);
  view_.apply(
      event("job.succeeded", "worker a:1", {{"job", "j-1"}, {"ms", "18446744073709551615"}}),
      t0_ + 1s);
  EXPECT_FALSE(view_.eta().has_value()) << "a backlog that takes over a century";
  ASSERT_TRUE(view_.advice(1).has_value());
  EXPECT_EQ(view_.advice(1)->workers_needed, ~0ull);
}

TEST_F(PipelineViewTest, AFullDiskIsShownUntilRoomReturnsOrItsProgramGoesQuiet) {
  view_.apply(event("disk.full", "sink vm:42", {{"what", "cannot record outcomes"}}), t0_);
  view_.apply(event("disk.full", "ventilator vm:41", {{"what", "new jobs are refused"}}), t0_);
  EXPECT_EQ(view_.alerts(t0_ + 1s),
            (std::vector<std::string>{"sink vm:42: disk full: cannot record outcomes",
                                      "ventilator vm:41: disk full: new jobs are refused"}));
  view_.apply(event("disk.room", "ventilator vm:41", {{"full_for_ms", "3000"}}), t0_ + 3s);
  EXPECT_EQ(view_.alerts(t0_ + 3s).size(), 1u);
  view_.apply(event("disk.full", "sink vm:42", {{"what", "still"}}), t0_ + 5s);
  EXPECT_EQ(view_.alerts(t0_ + 5s + PipelineView::kAlertLife).size(), 1u) << "repeated: still on";
  EXPECT_TRUE(view_.alerts(t0_ + 6s + PipelineView::kAlertLife).empty())
      << "no repeat: the sink went without a word";
}

}  // namespace
}  // namespace zpipe
