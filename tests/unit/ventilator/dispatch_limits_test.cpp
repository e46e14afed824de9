#include "ventilator/dispatch_limits.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using Scope = LimitSpec::Scope;
using Kind = LimitSpec::Kind;

constexpr std::uint64_t kT0 = 1'798'135'200'000;  // some moment in 2026, in Unix ms

LimitSpec limit(const char* text) { return parse_limit(text).value(); }

TEST(DispatchLimits, WithoutLimitsEveryJobMayStart) {
  DispatchLimits limits;
  EXPECT_TRUE(limits.empty());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limits.may_start("thumb", "default", kT0));
    limits.started("thumb", "default", kT0);
  }
  EXPECT_EQ(limits.running(Scope::kType, "thumb"), 100u);
  EXPECT_EQ(limits.running(Scope::kQueue, "default"), 100u);
  EXPECT_EQ(limits.next_allowed_ms(kT0), std::nullopt);
  EXPECT_TRUE(limits.specs().empty());
}

TEST(DispatchLimits, ConcurrencyOfATypeHoldsTheNextJobUntilOneFinishes) {
  DispatchLimits limits;
  limits.set(limit("thumb=concurrency:2"));
  EXPECT_FALSE(limits.empty());
  limits.started("thumb", "default", kT0);
  ASSERT_TRUE(limits.may_start("thumb", "default", kT0));
  limits.started("thumb", "default", kT0);
  EXPECT_FALSE(limits.may_start("thumb", "default", kT0));
  EXPECT_FALSE(limits.may_start("thumb", "other", kT0)) << "the type's limit, in any queue";
  EXPECT_TRUE(limits.may_start("mail", "default", kT0)) << "other types are not held";
  EXPECT_EQ(limits.next_allowed_ms(kT0), std::nullopt) << "no timer frees a concurrency slot";
  limits.finished("thumb", "default");
  EXPECT_TRUE(limits.may_start("thumb", "default", kT0));
}

TEST(DispatchLimits, ConcurrencyOfAQueueCountsEveryTypeInIt) {
  DispatchLimits limits;
  limits.set(limit("queue:mail=concurrency:2"));
  limits.started("send", "mail", kT0);
  limits.started("bounce", "mail", kT0);
  EXPECT_FALSE(limits.may_start("send", "mail", kT0));
  EXPECT_FALSE(limits.may_start("digest", "mail", kT0));
  EXPECT_TRUE(limits.may_start("send", "default", kT0)) << "the same type in another queue";
  limits.finished("bounce", "mail");
  EXPECT_TRUE(limits.may_start("digest", "mail", kT0));
}

TEST(DispatchLimits, EitherTheTypeOrTheQueueLimitHoldsAJobBack) {
  DispatchLimits limits;
  limits.set(limit("thumb=concurrency:1"));
  limits.set(limit("queue:bulk=concurrency:3"));
  limits.started("thumb", "fast", kT0);
  EXPECT_FALSE(limits.may_start("thumb", "bulk", kT0)) << "queue free, type full";
  limits.finished("thumb", "fast");
  limits.started("resize", "bulk", kT0);
  limits.started("resize", "bulk", kT0);
  limits.started("resize", "bulk", kT0);
  EXPECT_FALSE(limits.may_start("thumb", "bulk", kT0)) << "type free, queue full";
  EXPECT_TRUE(limits.may_start("thumb", "fast", kT0));
  limits.finished("resize", "bulk");
  EXPECT_TRUE(limits.may_start("thumb", "bulk", kT0));
}

TEST(DispatchLimits, ATypeAndAQueueOfTheSameNameAreApart) {
  DispatchLimits limits;
  limits.set(limit("mail=concurrency:1"));
  limits.started("send", "mail", kT0);
  EXPECT_TRUE(limits.may_start("mail", "default", kT0)) << "no job of type mail runs";
  limits.started("mail", "default", kT0);
  EXPECT_FALSE(limits.may_start("mail", "default", kT0));
  EXPECT_TRUE(limits.may_start("send", "mail", kT0)) << "queue mail has no limit";
}

TEST(DispatchLimits, ARateSpacesStartsEvenlyWithNoBurst) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  ASSERT_TRUE(limits.may_start("api", "default", kT0)) << "the first job starts at once";
  limits.started("api", "default", kT0);
  EXPECT_FALSE(limits.may_start("api", "default", kT0));
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 99));
  EXPECT_EQ(limits.next_allowed_ms(kT0), kT0 + 100);
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 99), kT0 + 100);
  EXPECT_TRUE(limits.may_start("api", "default", kT0 + 100));
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 100), std::nullopt) << "nothing is held back now";
  EXPECT_TRUE(limits.may_start("other", "default", kT0 + 50)) << "other types are not held";
}

// 50 jobs waiting, a dispatcher that tries every millisecond: one start every 100 ms, the last at
// 4.9 s, never two within 100 ms.
TEST(DispatchLimits, FiftyJobsAtTenASecondTakeFourPointNineSeconds) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  std::vector<std::uint64_t> starts;
  for (std::uint64_t now = kT0; starts.size() < 50 && now < kT0 + 10'000; ++now) {
    while (starts.size() < 50 && limits.may_start("api", "default", now)) {
      limits.started("api", "default", now);
      starts.push_back(now);
    }
  }
  ASSERT_EQ(starts.size(), 50u);
  EXPECT_EQ(starts.front(), kT0);
  EXPECT_EQ(starts.back(), kT0 + 4'900);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    ASSERT_EQ(starts[i] - starts[i - 1], 100u) << i;
  }
}

// A dispatcher that sleeps until next_allowed_ms() and tries then gets every start on time.
TEST(DispatchLimits, NextAllowedIsTheTimeToWakeForTheNextStart) {
  DispatchLimits limits;
  limits.set(limit("api=600/m"));
  std::uint64_t now = kT0 + 7;
  std::vector<std::uint64_t> starts;
  while (starts.size() < 20) {
    ASSERT_TRUE(limits.may_start("api", "default", now)) << now - kT0;
    limits.started("api", "default", now);
    starts.push_back(now);
    const auto wake = limits.next_allowed_ms(now);
    ASSERT_TRUE(wake.has_value());
    ASSERT_FALSE(limits.may_start("api", "default", *wake - 1));
    now = *wake;
  }
  EXPECT_EQ(starts.back() - starts.front(), 19u * 100);
}

TEST(DispatchLimits, NextAllowedRoundsUpAndTakesTheEarliestOfSeveralLimits) {
  DispatchLimits limits;
  limits.set(limit("slow=3/s"));  // 333.33 ms apart
  limits.set(limit("queue:bulk=100/h"));
  limits.started("slow", "default", kT0);
  EXPECT_EQ(limits.next_allowed_ms(kT0), kT0 + 334);
  EXPECT_FALSE(limits.may_start("slow", "default", kT0 + 333));
  EXPECT_TRUE(limits.may_start("slow", "default", kT0 + 334));
  limits.started("other", "bulk", kT0 + 1);
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 1), kT0 + 334);
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 334), kT0 + 1 + 36'000) << "100/h: 36 s apart";
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 1 + 36'000), std::nullopt);
}

TEST(DispatchLimits, AnIdleRateBanksNoCredit) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  limits.started("api", "default", kT0);
  // Ten quiet seconds, then a crowd: still one now and the next 100 ms later.
  const auto later = kT0 + 10'000;
  ASSERT_TRUE(limits.may_start("api", "default", later));
  limits.started("api", "default", later);
  EXPECT_FALSE(limits.may_start("api", "default", later));
  EXPECT_FALSE(limits.may_start("api", "default", later + 99));
  EXPECT_TRUE(limits.may_start("api", "default", later + 100));
}

TEST(DispatchLimits, AQueueRateHoldsEveryTypeInIt) {
  DispatchLimits limits;
  limits.set(limit("queue:partner=2/s"));
  limits.started("call", "partner", kT0);
  EXPECT_FALSE(limits.may_start("other", "partner", kT0 + 499));
  EXPECT_TRUE(limits.may_start("other", "default", kT0 + 1));
  EXPECT_TRUE(limits.may_start("other", "partner", kT0 + 500));
}

TEST(DispatchLimits, ATypeMayHaveARateAndAConcurrency) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  limits.set(limit("api=concurrency:2"));
  EXPECT_EQ(limits.specs().size(), 2u);
  limits.started("api", "default", kT0);
  limits.started("api", "default", kT0 + 100);
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 200)) << "rate allows, concurrency not";
  limits.finished("api", "default");
  EXPECT_TRUE(limits.may_start("api", "default", kT0 + 200));
  limits.started("api", "default", kT0 + 200);
  limits.finished("api", "default");
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 250)) << "concurrency allows, rate not";
}

TEST(DispatchLimits, ALimitSetWhileJobsRunCountsThem) {
  DispatchLimits limits;
  for (int i = 0; i < 3; ++i) limits.started("thumb", "images", kT0);
  limits.set(limit("thumb=concurrency:2"));
  limits.set(limit("queue:images=concurrency:3"));
  EXPECT_FALSE(limits.may_start("thumb", "other", kT0));
  EXPECT_FALSE(limits.may_start("resize", "images", kT0));
  limits.finished("thumb", "images");
  EXPECT_FALSE(limits.may_start("thumb", "other", kT0)) << "2 running, 2 allowed";
  EXPECT_TRUE(limits.may_start("resize", "images", kT0));
  limits.finished("thumb", "images");
  EXPECT_TRUE(limits.may_start("thumb", "other", kT0));
}

TEST(DispatchLimits, SetReplacesTheSameKindOnly) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  limits.set(limit("api=concurrency:4"));
  limits.set(limit("api=1/s"));
  limits.set(limit("queue:api=5/s"));
  const auto specs = limits.specs();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].text(), "api=1/s");
  EXPECT_EQ(specs[1].text(), "api=concurrency:4");
  EXPECT_EQ(specs[2].text(), "queue:api=5/s");
  limits.started("api", "default", kT0);
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 999)) << "1/s replaced 10/s";
  EXPECT_TRUE(limits.may_start("api", "default", kT0 + 1000));
}

TEST(DispatchLimits, ANewRateAppliesFromTheLastStart) {
  DispatchLimits limits;
  limits.set(limit("api=1/h"));
  limits.started("api", "default", kT0);
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 50), kT0 + 3'600'000);
  limits.set(limit("api=10/s"));
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 50), kT0 + 100);
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 99));
  EXPECT_TRUE(limits.may_start("api", "default", kT0 + 100));
}

TEST(DispatchLimits, ClearRemovesOneKindOrBothAndKeepsTheCounts) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  limits.set(limit("api=concurrency:1"));
  limits.started("api", "default", kT0);
  EXPECT_FALSE(limits.clear(Scope::kQueue, "api", Kind::kRate)) << "no such limit";
  EXPECT_FALSE(limits.clear(Scope::kType, "mail"));
  EXPECT_TRUE(limits.clear(Scope::kType, "api", Kind::kRate));
  EXPECT_FALSE(limits.clear(Scope::kType, "api", Kind::kRate)) << "already gone";
  EXPECT_EQ(limits.next_allowed_ms(kT0), std::nullopt);
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 1)) << "the concurrency stays";
  EXPECT_TRUE(limits.clear(Scope::kType, "api"));
  EXPECT_TRUE(limits.empty());
  EXPECT_TRUE(limits.may_start("api", "default", kT0 + 1));
  EXPECT_EQ(limits.running(Scope::kType, "api"), 1u);
  limits.set(limit("api=concurrency:1"));
  EXPECT_FALSE(limits.may_start("api", "default", kT0 + 1)) << "the running job still counts";
  EXPECT_TRUE(limits.clear(Scope::kType, "api"));
  EXPECT_FALSE(limits.clear(Scope::kType, "api"));
}

TEST(DispatchLimits, FinishedNeverTakesTheCountBelowZero) {
  DispatchLimits limits;
  limits.set(limit("api=concurrency:1"));
  limits.finished("api", "default");  // a job started before these counts began
  limits.finished("api", "default");
  EXPECT_EQ(limits.running(Scope::kType, "api"), 0u);
  limits.started("api", "default", kT0);
  EXPECT_EQ(limits.running(Scope::kType, "api"), 1u);
  EXPECT_FALSE(limits.may_start("api", "default", kT0)) << "one extra finish did not free a slot";
}

TEST(DispatchLimits, AJobStartedAheadOfItsTurnTakesTheNextSlot) {
  DispatchLimits limits;
  limits.set(limit("api=10/s"));
  limits.started("api", "default", kT0);
  limits.started("api", "default", kT0 + 10);  // the caller did not ask may_start()
  EXPECT_EQ(limits.next_allowed_ms(kT0 + 10), kT0 + 200);
}

TEST(DispatchLimits, StatesShowRunningLimitAndNextStart) {
  DispatchLimits limits;
  limits.set(limit("thumb=concurrency:4"));
  limits.set(limit("thumb=10/s"));
  limits.set(limit("queue:mail=2/s"));
  limits.started("thumb", "images", kT0);
  limits.started("thumb", "images", kT0 + 100);
  const auto states = limits.states(kT0 + 150);
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(states[0].spec.text(), "thumb=10/s");
  EXPECT_EQ(states[0].running, 2u);
  EXPECT_EQ(states[0].next_start_ms, kT0 + 200);
  EXPECT_EQ(states[1].spec.text(), "thumb=concurrency:4");
  EXPECT_EQ(states[1].spec.concurrency, 4u);
  EXPECT_EQ(states[1].running, 2u);
  EXPECT_EQ(states[1].next_start_ms, std::nullopt);
  EXPECT_EQ(states[2].spec.text(), "queue:mail=2/s");
  EXPECT_EQ(states[2].running, 0u);
  EXPECT_EQ(states[2].next_start_ms, kT0 + 150) << "a start is allowed now";
}

TEST(DispatchLimits, KeepsCountingWhenThousandsOfNamesComeAndGo) {
  DispatchLimits limits;
  limits.set(limit("kept=concurrency:2"));
  limits.started("kept", "default", kT0);
  for (int i = 0; i < 5'000; ++i) {
    const auto type = "type-" + std::to_string(i);
    limits.started(type, "q-" + std::to_string(i), kT0);
    if (i % 2 == 0) limits.finished(type, "q-" + std::to_string(i));
  }
  EXPECT_EQ(limits.running(Scope::kType, "kept"), 1u) << "a running name is never forgotten";
  EXPECT_EQ(limits.running(Scope::kType, "type-4999"), 1u);
  EXPECT_EQ(limits.running(Scope::kType, "type-4998"), 0u);
  EXPECT_EQ(limits.running(Scope::kQueue, "default"), 1u);
  limits.started("kept", "default", kT0);
  EXPECT_FALSE(limits.may_start("kept", "default", kT0));
}

}  // namespace
}  // namespace zpipe
