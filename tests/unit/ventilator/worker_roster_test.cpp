#include "ventilator/worker_roster.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

Event heartbeat(const std::string& source, const std::string& interval_ms, std::string job = "") {
  Event e{"worker.heartbeat", source, 1, 0, {{"interval_ms", interval_ms}}};
  if (!job.empty()) e.fields["job"] = std::move(job);
  return e;
}

TEST(WorkerRoster, AWorkerSilentForThreeOfItsIntervalsHasVanishedOnce) {
  WorkerRoster roster;
  const WorkerRoster::Clock::time_point t0{};
  roster.on_event(heartbeat("worker a:1", "1000", "j-7"), t0);
  roster.on_event(heartbeat("worker b:2", "200"), t0);
  EXPECT_TRUE(roster.take_vanished(t0 + 600ms).empty());
  const auto b_gone = roster.take_vanished(t0 + 601ms);
  ASSERT_EQ(b_gone.size(), 1u);
  EXPECT_EQ(b_gone[0].source, "worker b:2");
  EXPECT_TRUE(roster.take_vanished(t0 + 3000ms).empty()) << "a at exactly 3 intervals: not yet";
  const auto a_gone = roster.take_vanished(t0 + 3001ms);
  ASSERT_EQ(a_gone.size(), 1u);
  EXPECT_EQ(a_gone[0].last_job, "j-7");
  EXPECT_GE(a_gone[0].silent, 3001ms);
  EXPECT_TRUE(roster.take_vanished(t0 + 10s).empty()) << "reported once";
  EXPECT_EQ(roster.alive(), 0u);
}

TEST(WorkerRoster, AWorkerThatSaysGoodbyeHasNotVanished) {
  WorkerRoster roster;
  const WorkerRoster::Clock::time_point t0{};
  roster.on_event(Event{"worker.up", "worker a:1", 1, 0, {}}, t0);
  EXPECT_EQ(roster.alive(), 1u);
  roster.on_event(Event{"worker.down", "worker a:1", 2, 0, {}}, t0 + 1s);
  EXPECT_TRUE(roster.take_vanished(t0 + 1h).empty());
  roster.on_event(Event{"job.started", "worker b:1", 1, 0, {}}, t0);  // not a roster event
  EXPECT_EQ(roster.alive(), 0u);
}

TEST(WorkerRoster, AVanishedWorkerComesWithTheJobsItWasRunning) {
  WorkerRoster roster;
  const WorkerRoster::Clock::time_point t0{};
  roster.on_event(Event{"worker.up", "worker a:1", 1, 0, {{"interval_ms", "100"}}}, t0);
  for (const char* job : {"j-1", "j-2", "j-3"}) {
    roster.on_event(Event{"job.started", "worker a:1", 2, 0, {{"job", job}}}, t0);
  }
  roster.on_event(Event{"job.succeeded", "worker a:1", 3, 0, {{"job", "j-1"}}}, t0);
  roster.on_event(Event{"job.released", "worker a:1", 4, 0, {{"job", "j-3"}}}, t0);
  const auto gone = roster.take_vanished(t0 + 1s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].jobs, std::vector<std::string>{"j-2"});
}

// At high rates job.started events are sampled: the heartbeat's list of held jobs is what
// counts, and events after it add to it.
TEST(WorkerRoster, AHeartbeatSaysWhichJobsTheWorkerHolds) {
  WorkerRoster roster;
  const WorkerRoster::Clock::time_point t0{};
  roster.on_event(Event{"job.started", "worker a:1", 1, 0, {{"job", "j-0"}}}, t0);
  auto beat = heartbeat("worker a:1", "100");
  beat.fields["jobs"] = "j-1,j-2,j-3";  // j-0 finished, its job.succeeded sampled away
  roster.on_event(beat, t0);
  roster.on_event(Event{"job.started", "worker a:1", 3, 0, {{"job", "j-4"}}}, t0);
  roster.on_event(Event{"job.succeeded", "worker a:1", 4, 0, {{"job", "j-2"}}}, t0);
  const auto gone = roster.take_vanished(t0 + 1s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].jobs, (std::vector<std::string>{"j-1", "j-3", "j-4"}));

  auto idle = heartbeat("worker b:2", "100");
  idle.fields["jobs"] = "";
  roster.on_event(Event{"job.started", "worker b:2", 1, 0, {{"job", "j-9"}}}, t0);
  roster.on_event(idle, t0);
  const auto b_gone = roster.take_vanished(t0 + 1s);
  ASSERT_EQ(b_gone.size(), 1u);
  EXPECT_TRUE(b_gone[0].jobs.empty());
}

// Found by fuzz/worker_roster_fuzzer.cpp (fuzz/regressions/worker_roster/): three times an
// interval of 2^63-1 ms overflowed.
TEST(WorkerRoster, AHugeHeartbeatIntervalIsTakenAsADay) {
  WorkerRoster roster;
  const WorkerRoster::Clock::time_point t0{};
  roster.on_event(heartbeat("worker a:1", "9223372036854775807"), t0);
  EXPECT_TRUE(roster.take_vanished(t0 + std::chrono::hours(72)).empty());
  EXPECT_EQ(roster.take_vanished(t0 + std::chrono::hours(72) + 1ms).size(), 1u);
}

}  // namespace
}  // namespace zpipe
