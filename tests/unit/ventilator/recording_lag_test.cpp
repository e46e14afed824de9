#include "ventilator/recording_lag.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(RecordingLag, IsTheMostSeenLatelySoOneQuickBatchDoesNotHideABacklog) {
  RecordingLag lag;
  EXPECT_EQ(lag.ms(), 0u);
  lag.note(9'000, 10'000);
  lag.note(20, 10'500);  // a batch from a worker whose queue was short
  EXPECT_EQ(lag.ms(), 9'000u);
  lag.note(30, 12'100);  // a new window: the last one's most still counts
  EXPECT_EQ(lag.ms(), 9'000u);
  lag.note(40, 14'200);  // two windows without it: the sink caught up
  EXPECT_EQ(lag.ms(), 40u);
}

TEST(RecordingLag, StaysWhileNoAckComesAndForgetsItAfterAQuietSpell) {
  RecordingLag lag;
  lag.note(5'000, 1'000);
  // No acks (the sink is down): nothing says its queued outcomes are any younger.
  EXPECT_EQ(lag.ms(), 5'000u);
  // The first acks long after describe the sink as it is now.
  lag.note(10, 60'000);
  EXPECT_EQ(lag.ms(), 10u);
}

TEST(RecordingLag, AWorkerClockFarBehindCountsAsTenMinutesAtMost) {
  RecordingLag lag;
  lag.note(86'400'000, 1'000);
  EXPECT_EQ(lag.ms(), RecordingLag::kMostMs);
}

}  // namespace
}  // namespace zpipe
