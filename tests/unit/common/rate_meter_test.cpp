#include "common/rate_meter.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(RateMeter, GivesTheRateBetweenReadings) {
  RateMeter meter;
  const auto t0 = RateMeter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(meter.per_second(100, t0), 0u) << "no rate from one reading";
  EXPECT_EQ(meter.per_second(400, t0 + std::chrono::seconds(2)), 150u);
  EXPECT_EQ(meter.per_second(10, t0 + std::chrono::seconds(3)), 0u) << "a count that went back";
}

}  // namespace
}  // namespace zpipe
