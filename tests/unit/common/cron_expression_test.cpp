#include "common/cron_expression.hpp"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/civil_date.hpp"
#include "common/time_point_text.hpp"

namespace zpipe {
namespace {

// The first due time after `after` (RFC 3339), as RFC 3339.
std::string next(std::string_view cron, std::string_view after) {
  const auto parsed = CronExpression::parse(cron);
  if (!parsed.ok()) return "error: " + parsed.error().message;
  return format_time_point(parsed.value().next_after(parse_time_point(after).value()));
}

// The next `count` due times after `after`, each found from the one before.
std::vector<std::string> next_few(std::string_view cron, std::string_view after, int count) {
  const auto parsed = CronExpression::parse(cron);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  std::vector<std::string> found;
  auto at = parse_time_point(after).value();
  for (int i = 0; i < count; ++i) {
    at = parsed.value().next_after(at);
    found.push_back(format_time_point(at));
  }
  return found;
}

std::string error_of(std::string_view cron) {
  const auto parsed = CronExpression::parse(cron);
  if (parsed.ok()) return "parsed";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
  return parsed.error().message;
}

TEST(CronExpression, GivesTheNextWholeMinuteStrictlyAfter) {
  EXPECT_EQ(next("* * * * *", "2026-06-01T12:00:00Z"), "2026-06-01T12:01:00Z");
  EXPECT_EQ(next("* * * * *", "2026-06-01T12:00:30.500Z"), "2026-06-01T12:01:00Z");
  EXPECT_EQ(next("* * * * *", "2026-06-01T12:00:59.999Z"), "2026-06-01T12:01:00Z");
  EXPECT_EQ(next("30 12 * * *", "2026-06-01T12:30:00Z"), "2026-06-02T12:30:00Z")
      << "a time exactly on the schedule is not after itself";
  EXPECT_EQ(next("30 12 * * *", "2026-06-01T12:29:59.999Z"), "2026-06-01T12:30:00Z");
}

TEST(CronExpression, StepsRangesAndLists) {
  EXPECT_EQ(next_few("*/15 * * * *", "2026-06-01T12:07:00Z", 4),
            (std::vector<std::string>{"2026-06-01T12:15:00Z", "2026-06-01T12:30:00Z",
                                      "2026-06-01T12:45:00Z", "2026-06-01T13:00:00Z"}));
  EXPECT_EQ(next_few("10-30/10 * * * *", "2026-06-01T12:00:00Z", 4),
            (std::vector<std::string>{"2026-06-01T12:10:00Z", "2026-06-01T12:20:00Z",
                                      "2026-06-01T12:30:00Z", "2026-06-01T13:10:00Z"}));
  EXPECT_EQ(next_few("50/5 * * * *", "2026-06-01T12:00:00Z", 3),
            (std::vector<std::string>{"2026-06-01T12:50:00Z", "2026-06-01T12:55:00Z",
                                      "2026-06-01T13:50:00Z"}));
  EXPECT_EQ(next_few("0 1,5,10-12 * * *", "2026-06-01T00:00:00Z", 6),
            (std::vector<std::string>{"2026-06-01T01:00:00Z", "2026-06-01T05:00:00Z",
                                      "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z",
                                      "2026-06-01T12:00:00Z", "2026-06-02T01:00:00Z"}));
  EXPECT_EQ(next_few("0 0 1 */4 *", "2026-06-01T00:00:00Z", 3),
            (std::vector<std::string>{"2026-09-01T00:00:00Z", "2027-01-01T00:00:00Z",
                                      "2027-05-01T00:00:00Z"}));
  EXPECT_EQ(next("*/90 * * * *", "2026-06-01T12:00:00Z"), "2026-06-01T13:00:00Z")
      << "a step past the field's end keeps only its start";
}

TEST(CronExpression, MonthAndDayNamesInAnyCase) {
  EXPECT_EQ(next_few("0 0 1 JAN,jul *", "2026-06-01T00:00:00Z", 3),
            (std::vector<std::string>{"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z",
                                      "2027-07-01T00:00:00Z"}));
  EXPECT_EQ(next("0 0 1 Mar-May *", "2026-06-01T00:00:00Z"), "2027-03-01T00:00:00Z");
  // 2026-12-24 is a Thursday.
  EXPECT_EQ(next_few("0 9 * * mon-FRI", "2026-12-24T10:00:00Z", 3),
            (std::vector<std::string>{"2026-12-25T09:00:00Z", "2026-12-28T09:00:00Z",
                                      "2026-12-29T09:00:00Z"}));
}

TEST(CronExpression, SundayIsZeroAndSeven) {
  for (const char* cron : {"0 12 * * 0", "0 12 * * 7", "0 12 * * SUN", "0 12 * * sun"}) {
    EXPECT_EQ(next_few(cron, "2026-12-24T00:00:00Z", 2),
              (std::vector<std::string>{"2026-12-27T12:00:00Z", "2027-01-03T12:00:00Z"}))
        << cron;
  }
  EXPECT_EQ(next_few("0 12 * * 5-7", "2026-12-24T00:00:00Z", 4),
            (std::vector<std::string>{"2026-12-25T12:00:00Z", "2026-12-26T12:00:00Z",
                                      "2026-12-27T12:00:00Z", "2027-01-01T12:00:00Z"}));
  EXPECT_EQ(next_few("0 12 * * FRI-SUN", "2026-12-24T00:00:00Z", 4),
            next_few("0 12 * * 5-7", "2026-12-24T00:00:00Z", 4))
      << "Sunday ends a range of weekdays";
}

TEST(CronExpression, MonthEndsAndLeapDays) {
  EXPECT_EQ(next_few("0 0 31 * *", "2026-03-31T00:00:00Z", 3),
            (std::vector<std::string>{"2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z",
                                      "2026-08-31T00:00:00Z"}))
      << "months without a 31st are skipped";
  EXPECT_EQ(next("0 0 30 * *", "2026-01-30T00:00:00Z"), "2026-03-30T00:00:00Z");
  EXPECT_EQ(next_few("0 0 29 2 *", "2026-03-01T00:00:00Z", 2),
            (std::vector<std::string>{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  EXPECT_EQ(next("0 0 29 2 *", "2096-03-01T00:00:00Z"), "2104-02-29T00:00:00Z")
      << "2100 is not a leap year";
  EXPECT_EQ(next("0 0 29 2 *", "1999-03-01T00:00:00Z"), "2000-02-29T00:00:00Z")
      << "2000 is a leap year";
  EXPECT_EQ(next("59 23 31 12 *", "2026-12-31T23:59:00Z"), "2027-12-31T23:59:00Z");
  EXPECT_EQ(next("* * * * *", "2026-12-31T23:59:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("0 0 * * *", "2028-02-28T12:00:00Z"), "2028-02-29T00:00:00Z");
}

TEST(CronExpression, EitherDayFieldWillDoWhenBothAreRestricted) {
  // 2026-01-01 is a Thursday: Fridays and the 13th (a Tuesday).
  EXPECT_EQ(next_few("0 0 13 * FRI", "2026-01-01T00:00:00Z", 6),
            (std::vector<std::string>{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z",
                                      "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z",
                                      "2026-01-23T00:00:00Z", "2026-01-30T00:00:00Z"}));
  // Both restricted: February has no 30th, but it has Mondays (2026-02-01 is a Sunday).
  EXPECT_EQ(next("0 0 30 2 MON", "2026-01-01T00:00:00Z"), "2026-02-02T00:00:00Z");
}

TEST(CronExpression, BothDayFieldsMustMatchWhenOneBeginsWithAStar) {
  EXPECT_EQ(next_few("0 0 */2 * FRI", "2026-01-01T00:00:00Z", 4),
            (std::vector<std::string>{"2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z",
                                      "2026-02-13T00:00:00Z", "2026-02-27T00:00:00Z"}))
      << "odd days that are Fridays";
  EXPECT_EQ(next("0 0 13 * *", "2026-01-01T00:00:00Z"), "2026-01-13T00:00:00Z");
  // A 29 February that is a Sunday comes once in years: found without stepping through them.
  EXPECT_EQ(next_few("0 0 29 2 */7", "2026-01-01T00:00:00Z", 4),
            (std::vector<std::string>{"2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z",
                                      "2088-02-29T00:00:00Z", "2128-02-29T00:00:00Z"}))
      << "2100 has no 29 February: 40 years from 2088 to the next";
}

TEST(CronExpression, Shorthands) {
  const char* after = "2026-12-24T10:30:00Z";  // a Thursday
  EXPECT_EQ(next("@yearly", after), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("@annually", after), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("@monthly", after), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next("@weekly", after), "2026-12-27T00:00:00Z");
  EXPECT_EQ(next("@daily", after), "2026-12-25T00:00:00Z");
  EXPECT_EQ(next("@midnight", after), "2026-12-25T00:00:00Z");
  EXPECT_EQ(next("@hourly", after), "2026-12-24T11:00:00Z");
  EXPECT_EQ(next("@DAILY", after), "2026-12-25T00:00:00Z");
  EXPECT_EQ(next("@monthly", "2026-06-15T00:00:00Z"), "2026-07-01T00:00:00Z");
}

TEST(CronExpression, KeepsItsTextWithoutTheBlanksAround) {
  EXPECT_EQ(CronExpression::parse("  */5\t* * * *\n").value().text(), "*/5\t* * * *");
  EXPECT_EQ(CronExpression::parse("@hourly").value().text(), "@hourly");
  EXPECT_EQ(next("  0   0  * * * ", "2026-06-01T12:00:00Z"), "2026-06-02T00:00:00Z");
}

TEST(CronExpression, ErrorsNameTheFieldAndTheBadText) {
  EXPECT_EQ(error_of("*/0 * * * *"), "cron \"*/0 * * * *\": minute step must be at least 1");
  EXPECT_EQ(error_of("60 * * * *"), "cron \"60 * * * *\": minute 60 is out of range 0-59");
  EXPECT_EQ(error_of("0 24 * * *"), "cron \"0 24 * * *\": hour 24 is out of range 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"), "cron \"0 0 0 * *\": day-of-month 0 is out of range 1-31");
  EXPECT_EQ(error_of("0 0 32 * *"), "cron \"0 0 32 * *\": day-of-month 32 is out of range 1-31");
  EXPECT_EQ(error_of("0 0 * 13 *"), "cron \"0 0 * 13 *\": month 13 is out of range 1-12");
  EXPECT_EQ(error_of("0 0 * * 8"), "cron \"0 0 * * 8\": day-of-week 8 is out of range 0-7");
  EXPECT_EQ(error_of("0 0 * FOO *"),
            "cron \"0 0 * FOO *\": month \"FOO\" is not a number 1-12 or a name JAN-DEC");
  EXPECT_EQ(error_of("0 0 * * MONDAY"),
            "cron \"0 0 * * MONDAY\": day-of-week \"MONDAY\" is not a number 0-7 or a name "
            "SUN-SAT");
  EXPECT_EQ(error_of("x * * * *"), "cron \"x * * * *\": minute \"x\" is not a number 0-59");
  EXPECT_EQ(error_of("0 */x * * *"), "cron \"0 */x * * *\": hour step \"x\" is not a number");
  EXPECT_EQ(error_of("1/2/3 * * * *"),
            "cron \"1/2/3 * * * *\": minute \"1/2/3\" has more than one /");
  EXPECT_EQ(error_of("1-2-3 * * * *"),
            "cron \"1-2-3 * * * *\": minute \"1-2-3\" is not a range a-b");
  EXPECT_EQ(error_of("30-10 * * * *"),
            "cron \"30-10 * * * *\": minute range \"30-10\" runs backwards: write the low end "
            "first");
  EXPECT_EQ(error_of("1,,2 * * * *"),
            "cron \"1,,2 * * * *\": minute \"1,,2\" has an empty list item");
  EXPECT_EQ(error_of("1, * * * *"), "cron \"1, * * * *\": minute \"1,\" has an empty list item");
  EXPECT_EQ(error_of("-5 * * * *"), "cron \"-5 * * * *\": minute \"\" is not a number 0-59");
}

TEST(CronExpression, ErrorsForTheWrongNumberOfFieldsOrAnUnknownShorthand) {
  EXPECT_EQ(error_of("* * * *"),
            "cron \"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week), "
            "got 4");
  EXPECT_EQ(error_of("0 * * * * *"),
            "cron \"0 * * * * *\": expected 5 fields (minute hour day-of-month month "
            "day-of-week), got 6");
  EXPECT_EQ(error_of(""),
            "cron \"\": expected 5 fields (minute hour day-of-month month day-of-week), got 0");
  EXPECT_EQ(error_of("@reboot"),
            "cron \"@reboot\": unknown shorthand: use @yearly, @annually, @monthly, @weekly, "
            "@daily, @midnight or @hourly");
  EXPECT_EQ(error_of("@daily 5"),
            "cron \"@daily 5\": unknown shorthand: use @yearly, @annually, @monthly, @weekly, "
            "@daily, @midnight or @hourly");
}

TEST(CronExpression, RefusesADateThatNeverComes) {
  EXPECT_EQ(error_of("0 0 30 2 *"),
            "cron \"0 0 30 2 *\": no date ever matches: day-of-month 30 never falls in month 2");
  EXPECT_EQ(error_of("0 0 31 2 *"),
            "cron \"0 0 31 2 *\": no date ever matches: day-of-month 31 never falls in month 2");
  EXPECT_EQ(error_of("0 0 31 4,6,9,11 *"),
            "cron \"0 0 31 4,6,9,11 *\": no date ever matches: day-of-month 31 never falls in "
            "month 4,6,9,11");
  EXPECT_EQ(error_of("0 0 30-31 FEB */2"),
            "cron \"0 0 30-31 FEB */2\": no date ever matches: day-of-month 30-31 never falls in "
            "month FEB");
  // Days that exist somewhere in the months given are fine.
  EXPECT_EQ(error_of("0 0 29 2 *"), "parsed");
  EXPECT_EQ(error_of("0 0 31 4,6,7 *"), "parsed");
  EXPECT_EQ(error_of("0 0 30,31 2,4 *"), "parsed");
}

// A minute-by-minute search over a year, written from the fields' meaning and not from the
// parser, agrees with next_after() at every due time.
TEST(CronExpression, AgreesWithAPlainSearchMinuteByMinute) {
  struct Minute {
    int minute, hour, day, month, weekday;
  };
  struct Case {
    const char* cron;
    std::function<bool(const Minute&)> due;
  };
  const std::vector<Case> cases{
      {"*/15 9-17 * * MON-FRI",
       [](const Minute& m) {
         return m.minute % 15 == 0 && m.hour >= 9 && m.hour <= 17 && m.weekday >= 1 &&
                m.weekday <= 5;
       }},
      {"0 0 13 * FRI",
       [](const Minute& m) {
         return m.minute == 0 && m.hour == 0 && (m.day == 13 || m.weekday == 5);
       }},
      {"30 6 */3 * SAT",
       [](const Minute& m) {
         return m.minute == 30 && m.hour == 6 && m.day % 3 == 1 && m.weekday == 6;
       }},
      {"5 4 29-31 1-3,12 *",
       [](const Minute& m) {
         return m.minute == 5 && m.hour == 4 && m.day >= 29 && (m.month <= 3 || m.month == 12);
       }},
      {"0 22 * * 0,7",
       [](const Minute& m) { return m.minute == 0 && m.hour == 22 && m.weekday == 0; }},
      {"@monthly", [](const Minute& m) { return m.minute == 0 && m.hour == 0 && m.day == 1; }},
  };
  // From 2027-12-31T00:00Z over the leap year 2028 into 2029.
  const std::int64_t first_day = days_from_civil(CivilDate{2027, 12, 31});
  const std::int64_t days = 400;
  for (const auto& c : cases) {
    const auto cron = CronExpression::parse(c.cron).value();
    std::uint64_t at = static_cast<std::uint64_t>(first_day) * 86'400'000;
    std::uint64_t expected_next = cron.next_after(at);
    int matches = 0;
    for (std::int64_t minute = first_day * 1440 + 1; minute < (first_day + days) * 1440; ++minute) {
      const auto date = civil_from_days(minute / 1440);
      const Minute m{static_cast<int>(minute % 60), static_cast<int>(minute % 1440 / 60), date.day,
                     date.month, weekday_from_days(minute / 1440)};
      if (!c.due(m)) continue;
      ++matches;
      const auto ms = static_cast<std::uint64_t>(minute) * 60'000;
      ASSERT_EQ(format_time_point(expected_next), format_time_point(ms)) << c.cron;
      expected_next = cron.next_after(ms);
    }
    EXPECT_GT(matches, 4) << c.cron;
  }
}

}  // namespace
}  // namespace zpipe
