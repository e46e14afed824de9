#include "front/time_text.hpp"

#include <stdlib.h>
#include <time.h>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;  // some moment in 2026

TEST(RelativeTime, UsesTheLargestUnitRoundedDown) {
  EXPECT_EQ(relative_time(kNow - 400, kNow), "just now");
  EXPECT_EQ(relative_time(kNow - 1'000, kNow), "1s ago");
  EXPECT_EQ(relative_time(kNow - 59'999, kNow), "59s ago");
  EXPECT_EQ(relative_time(kNow - 60'000, kNow), "1m ago");
  EXPECT_EQ(relative_time(kNow - 3 * 60'000 - 59'000, kNow), "3m ago");
  EXPECT_EQ(relative_time(kNow - 60 * 60'000, kNow), "1h ago");
  EXPECT_EQ(relative_time(kNow - 47 * 3'600'000, kNow), "47h ago");
  EXPECT_EQ(relative_time(kNow - 48 * 3'600'000, kNow), "2d ago");
  EXPECT_EQ(relative_time(kNow - 400LL * 86'400'000, kNow), "400d ago");
}

TEST(RelativeTime, AMomentToComeAndNoMomentAtAll) {
  EXPECT_EQ(relative_time(kNow + 12'000, kNow), "in 12s");
  EXPECT_EQ(relative_time(kNow + 300, kNow), "just now") << "clocks of two hosts differ a little";
  EXPECT_EQ(relative_time(0, kNow), "-");
}

TEST(LocalTime, ShowsTheLocalClockToTheMillisecond) {
  const char* saved = ::getenv("TZ");
  const std::string before = saved ? saved : "";
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(local_time(1'790'000'000'123), "2026-09-21 14:13:20.123");
  ::setenv("TZ", "IST-5:30", 1);  // POSIX form, no zone database needed: UTC+5:30
  ::tzset();
  const auto kolkata = local_time(1'790'000'000'007);
  if (saved) {
    ::setenv("TZ", before.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  EXPECT_EQ(kolkata, "2026-09-21 19:43:20.007");
  EXPECT_EQ(local_time(0), "-");
}

}  // namespace
}  // namespace zpipe
