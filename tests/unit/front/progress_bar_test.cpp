#include "front/progress_bar.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(ProgressBar, ShowsCountsRateAndEta) {
  const auto line = format_progress({50, 0, 200, 2.0}, 100);
  EXPECT_EQ(line.rfind("[##########..............................]", 0), 0u) << line;
  EXPECT_NE(line.find(" 50/200 "), std::string::npos) << line;
  EXPECT_NE(line.find(" 25% "), std::string::npos) << line;
  EXPECT_NE(line.find("25.0 images/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:06"), std::string::npos) << line;
  EXPECT_EQ(line.find("failed"), std::string::npos) << line;
}

TEST(ProgressBar, CountsFailuresAndFitsTheWidth) {
  const auto line = format_progress({10, 3, 20, 1.0}, 60);
  EXPECT_NE(line.find("3 failed"), std::string::npos) << line;
  EXPECT_LE(line.size(), 60u);
  EXPECT_LE(format_progress({10, 3, 20, 1.0}, 30).size(), 30u);
}

TEST(ProgressBar, NoRateYetMeansNoEta) {
  EXPECT_NE(format_progress({0, 0, 20, 0.0}, 100).find("ETA -:--"), std::string::npos);
}

TEST(ProgressBar, DurationsInMinutesAndHours) {
  EXPECT_EQ(format_duration(7), "0:07");
  EXPECT_EQ(format_duration(62), "1:02");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "0:00");
}

}  // namespace
}  // namespace zpipe
