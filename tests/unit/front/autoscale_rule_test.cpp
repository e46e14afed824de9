#include "front/autoscale_rule.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;
const AutoscaleRule::Clock::time_point t0{};

AutoscaleSettings one_to_four() {
  AutoscaleSettings s;
  s.min = 1;
  s.max = 4;
  s.target_wait = 5s;
  s.quiet_period = 30s;
  return s;
}

LoadSample sample(std::chrono::milliseconds at, std::uint64_t finished, std::uint64_t work,
                  int own_connected) {
  LoadSample s;
  s.at = t0 + at;
  s.finished = finished;
  s.work = work;
  s.waiting = work > static_cast<std::uint64_t>(own_connected) ? work - own_connected : 0;
  s.own_connected = own_connected;
  return s;
}

TEST(AutoscaleRule, GoesToMaxAtOnceWhenTheBacklogWouldTakeFarLongerThanTheTarget) {
  AutoscaleRule rule(one_to_four());
  EXPECT_EQ(rule.decide(sample(0ms, 0, 0, 1), 1).workers, 1);
  EXPECT_EQ(rule.decide(sample(500ms, 0, 400, 1), 1).workers, 1) << "no rate yet";
  // 5 jobs a second on one worker, 395 left: 79 s, far over 5 s.
  const auto decision = rule.decide(sample(1000ms, 5, 395, 1), 1);
  EXPECT_EQ(decision.workers, 4);
  EXPECT_EQ(decision.why, "backlog 395, 5.0 jobs/s, ETA 79 s > 5 s");
}

TEST(AutoscaleRule, AddsWhatTheEtaAsksForAndNoMore) {
  AutoscaleRule rule(one_to_four());
  rule.decide(sample(0ms, 0, 0, 1), 1);
  // 10 jobs/s on one worker, 120 left: 12 s, so 12/5 -> 3 workers.
  EXPECT_EQ(rule.decide(sample(1s, 10, 120, 1), 1).workers, 3);
}

TEST(AutoscaleRule, KeepsTheWorkersWhileTheEtaIsWithinTheTarget) {
  AutoscaleRule rule(one_to_four());
  rule.decide(sample(0ms, 0, 0, 2), 2);
  EXPECT_EQ(rule.decide(sample(1s, 10, 20, 2), 2).workers, 2);
  EXPECT_EQ(rule.decide(sample(2s, 20, 20, 2), 2).workers, 2);
}

TEST(AutoscaleRule, WaitsForNewWorkersToShowBeforeAddingMore) {
  auto settings = one_to_four();
  settings.max = 10;
  AutoscaleRule rule(settings);
  rule.decide(sample(0ms, 0, 0, 1), 1);
  EXPECT_EQ(rule.decide(sample(1s, 5, 400, 1), 1).workers, 10);
  // Still slow right after (the new ones have not connected): nothing more within kSettle.
  EXPECT_EQ(rule.decide(sample(2s, 10, 390, 1), 10).workers, 10);
}

TEST(AutoscaleRule, StopsOnlyAfterAWholeQuietPeriodAskingForFewer) {
  AutoscaleRule rule(one_to_four());
  rule.decide(sample(0ms, 0, 0, 1), 1);
  EXPECT_EQ(rule.decide(sample(1s, 5, 400, 1), 1).workers, 4);
  std::uint64_t finished = 5;
  std::uint64_t work = 395;
  int at_s = 2;
  for (; work > 0; ++at_s) {  // 20 jobs a second on 4 workers
    finished += 20;
    work = work > 20 ? work - 20 : 0;
    EXPECT_EQ(rule.decide(sample(std::chrono::seconds(at_s), finished, work, 4), 4).workers, 4)
        << "at " << at_s << " s, backlog " << work;
  }
  // Idle now: 4 until a whole quiet period has asked for fewer, then down to the highest figure
  // of that period, to 1 once the last busy second is a quiet period old.
  const int drained_at = at_s;
  int workers = 4;
  int first_stop_at = 0;
  for (; workers > 1 && at_s < drained_at + 60; ++at_s) {
    workers =
        rule.decide(sample(std::chrono::seconds(at_s), finished, 0, workers), workers).workers;
    if (workers < 4 && first_stop_at == 0) first_stop_at = at_s;
  }
  EXPECT_EQ(workers, 1);
  EXPECT_GE(first_stop_at - drained_at, 25) << "not before most of the quiet period";
  EXPECT_LE(at_s - drained_at, 31) << "not later than the quiet period";
}

TEST(AutoscaleRule, ABurstWithinTheQuietPeriodKeepsTheWorkers) {
  AutoscaleRule rule(one_to_four());
  rule.decide(sample(0ms, 0, 0, 1), 1);
  EXPECT_EQ(rule.decide(sample(1s, 5, 400, 1), 1).workers, 4);
  std::uint64_t finished = 405;
  // Idle for 20 s, a burst needing 4, idle again: never below 4 within 30 s of the burst.
  for (int s = 2; s < 80; ++s) {
    const bool burst = s >= 22 && s < 25;
    if (burst) finished += 20;
    const auto workers =
        rule.decide(sample(std::chrono::seconds(s), finished, burst ? 100 : 0, 4), 4).workers;
    if (s < 25 + 25) {
      EXPECT_EQ(workers, 4) << "at " << s << " s";
    }
  }
}

TEST(AutoscaleRule, StartsOneAtOnceFromZero) {
  auto settings = one_to_four();
  settings.min = 0;
  AutoscaleRule rule(settings);
  EXPECT_EQ(rule.decide(sample(0ms, 0, 0, 0), 0).workers, 0);
  const auto decision = rule.decide(sample(500ms, 0, 3, 0), 0);
  EXPECT_EQ(decision.workers, 1);
}

TEST(AutoscaleRule, AddsOnePerTargetWaitWhileLongJobsFinishNothing) {
  AutoscaleRule rule(one_to_four());
  rule.decide(sample(0ms, 0, 0, 1), 1);
  int workers = 1;
  std::vector<int> seen;
  for (int s = 1; s <= 16; ++s) {
    workers = rule.decide(sample(std::chrono::seconds(s), 0, 10, workers), workers).workers;
    seen.push_back(workers);
  }
  // Stalled from 1 s: one more at 6 s (5 s stalled), 11 s, 16 s.
  EXPECT_EQ(seen[4], 1);
  EXPECT_EQ(seen[5], 2);
  EXPECT_EQ(seen[10], 3);
  EXPECT_EQ(seen[15], 4);
}

TEST(AutoscaleRule, CountsOtherHostsWorkersInTheRate) {
  AutoscaleRule rule(one_to_four());
  auto idle = sample(0ms, 0, 0, 1);
  idle.other_workers = 3;
  rule.decide(idle, 1);
  // 4 workers make 20 jobs/s: 5 each; 200 left needs 200 / (5 x 5) = 8 in all, 5 of them here.
  auto busy = sample(1s, 20, 200, 1);
  busy.other_workers = 3;
  EXPECT_EQ(rule.wanted(busy, 1), 1) << "before decide() has a rate";
  EXPECT_EQ(rule.decide(busy, 1).workers, 4) << "5 wanted here, at most 4";
}

}  // namespace
}  // namespace zpipe
