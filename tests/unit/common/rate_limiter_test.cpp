#include "common/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(RateLimiter, AllowsUpToTheRateEachSecondAndCountsTheRest) {
  RateLimiter limiter(3);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.allow(t0) ? 1 : 0;
  EXPECT_EQ(allowed, 3);
  EXPECT_EQ(limiter.take_suppressed(), 7u);
  EXPECT_EQ(limiter.take_suppressed(), 0u);
  EXPECT_TRUE(limiter.allow(t0 + std::chrono::milliseconds(1001)));
  EXPECT_EQ(limiter.suppressed_note(), "");
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::milliseconds(1002)) &&
               limiter.allow(t0 + std::chrono::milliseconds(1003)) &&
               limiter.allow(t0 + std::chrono::milliseconds(1004)));
  EXPECT_EQ(limiter.suppressed_note(), " (1 more not logged)");
}

}  // namespace
}  // namespace zpipe
