#include "common/civil_date.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(CivilDate, CountsDaysFromTheUnixEpoch) {
  EXPECT_EQ(days_from_civil(CivilDate{1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil(CivilDate{2000, 3, 1}), 11'017);
  EXPECT_EQ(days_from_civil(CivilDate{1969, 12, 31}), -1);
  EXPECT_EQ(civil_from_days(20'811), (CivilDate{2026, 12, 24}));
  EXPECT_EQ(civil_from_days(-1), (CivilDate{1969, 12, 31}));
}

TEST(CivilDate, KnowsLeapYearsAndMonthLengths) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2026, 4), 30);
  EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(CivilDate, GivesTheWeekdaySundayFirst) {
  EXPECT_EQ(weekday_from_days(0), 4) << "1970-01-01 was a Thursday";
  EXPECT_EQ(weekday_from_days(days_from_civil(CivilDate{2026, 12, 24})), 4);
  EXPECT_EQ(weekday_from_days(days_from_civil(CivilDate{2026, 12, 27})), 0);
  EXPECT_EQ(weekday_from_days(-4), 0) << "1969-12-28 was a Sunday";
  EXPECT_EQ(weekday_from_days(-5), 6);
}

TEST(CivilDate, DayNumbersAndDatesRoundTripAcrossCenturies) {
  std::int64_t day = days_from_civil(CivilDate{1600, 1, 1});
  for (std::int64_t year = 1600; year < 2500; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int d = 1; d <= days_in_month(year, month); ++d, ++day) {
        const CivilDate date{year, month, d};
        ASSERT_EQ(days_from_civil(date), day) << year << "-" << month << "-" << d;
        ASSERT_EQ(civil_from_days(day), date) << day;
      }
    }
  }
}

}  // namespace
}  // namespace zpipe
