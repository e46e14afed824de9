#include "monitor/silence_notice.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;
using Clock = SilenceNotice::Clock;

TEST(SilenceNotice, SaysOnceThatNothingIsPublishingAndWhatToCheck) {
  const auto start = Clock::time_point{} + 1h;
  SilenceNotice notice("tcp://127.0.0.1:5575", start);
  EXPECT_EQ(notice.on_tick(start + 2s), std::nullopt) << "too soon to say";
  const auto line = notice.on_tick(start + 3s);
  ASSERT_TRUE(line.has_value());
  EXPECT_NE(line->find("nothing is publishing at tcp://127.0.0.1:5575"), std::string::npos)
      << *line;
  EXPECT_NE(line->find("ventilator"), std::string::npos) << *line;
  EXPECT_NE(line->find("--events-from"), std::string::npos) << *line;
  EXPECT_NE(line->find("still waiting"), std::string::npos) << *line;
  EXPECT_EQ(line->find('\n'), std::string::npos) << "one line";
  EXPECT_EQ(notice.on_tick(start + 10s), std::nullopt) << "once per silence";
  EXPECT_EQ(notice.on_tick(start + 60s), std::nullopt) << "once per silence";
}

TEST(SilenceNotice, SaysNothingWhileEventsArrive) {
  const auto start = Clock::time_point{} + 1h;
  SilenceNotice notice("tcp://h:1", start);
  for (auto t = start; t < start + 20s; t += 1s) {
    EXPECT_EQ(notice.on_event(t), std::nullopt);
    EXPECT_EQ(notice.on_tick(t + 900ms), std::nullopt);
  }
}

TEST(SilenceNotice, APipelineThatGoesSilentIsToldApartAndItsReturnSaid) {
  const auto start = Clock::time_point{} + 1h;
  SilenceNotice notice("tcp://h:1", start);
  EXPECT_EQ(notice.on_event(start + 1s), std::nullopt);
  EXPECT_EQ(notice.next_check(), start + 1s + SilenceNotice::kAfter);
  const auto gone = notice.on_tick(start + 5s);
  ASSERT_TRUE(gone.has_value());
  EXPECT_NE(gone->find("no events from tcp://h:1 for 4 s"), std::string::npos) << *gone;
  EXPECT_TRUE(notice.has_noticed());
  const auto back = notice.on_event(start + 9s);
  ASSERT_TRUE(back.has_value());
  EXPECT_NE(back->find("arriving from tcp://h:1 again"), std::string::npos) << *back;
  EXPECT_FALSE(notice.has_noticed());
  EXPECT_TRUE(notice.on_tick(start + 12s).has_value()) << "a new silence, a new notice";
}

}  // namespace
}  // namespace zpipe
