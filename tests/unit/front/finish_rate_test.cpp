#include "front/finish_rate.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;
const FinishRate::Clock::time_point t0{};

TEST(FinishRate, SaysNothingUntilItHasASecondOfSamples) {
  FinishRate rate;
  rate.add(t0, 0, 100);
  rate.add(t0 + 500ms, 5, 95);
  EXPECT_FALSE(rate.per_second());
  rate.add(t0 + 1s, 10, 90);
  ASSERT_TRUE(rate.per_second());
  EXPECT_DOUBLE_EQ(*rate.per_second(), 10.0);
  ASSERT_TRUE(rate.eta());
  EXPECT_EQ(*rate.eta(), 9000ms);
}

TEST(FinishRate, MeasuresTheLastFiveSecondsOnly) {
  FinishRate rate;
  for (int s = 0; s <= 10; ++s) {
    // 1 job a second for 5 s, then 10 a second.
    const std::uint64_t finished = s <= 5 ? s : 5 + (s - 5) * 10;
    rate.add(t0 + std::chrono::seconds(s), finished, 1000);
  }
  EXPECT_DOUBLE_EQ(*rate.per_second(), 10.0);
}

TEST(FinishRate, AnIdleSpellStartsTheWindowAgain) {
  FinishRate rate;
  rate.add(t0, 0, 0);
  rate.add(t0 + 60s, 0, 0);  // a minute idle says nothing of how fast a backlog goes
  rate.add(t0 + 61s, 4, 50);
  ASSERT_TRUE(rate.per_second());
  EXPECT_DOUBLE_EQ(*rate.per_second(), 4.0);
}

TEST(FinishRate, CountsTheStallWhileWorkWaitsAndNothingFinishes) {
  FinishRate rate;
  rate.add(t0, 0, 0);
  rate.add(t0 + 1s, 0, 8);
  rate.add(t0 + 4s, 0, 8);
  EXPECT_EQ(rate.stalled_for(), 3000ms);
  EXPECT_DOUBLE_EQ(*rate.per_second(), 0.0);
  EXPECT_FALSE(rate.eta()) << "no rate, no ETA";
  rate.add(t0 + 5s, 1, 7);
  EXPECT_EQ(rate.stalled_for(), 0ms);
}

TEST(FinishRate, AVentilatorRestartCountingFromZeroStartsOver) {
  FinishRate rate;
  rate.add(t0, 1000, 10);
  rate.add(t0 + 2s, 1010, 10);
  rate.add(t0 + 3s, 3, 10);
  EXPECT_FALSE(rate.per_second());
}

}  // namespace
}  // namespace zpipe
