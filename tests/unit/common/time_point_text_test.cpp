#include "common/time_point_text.hpp"

#include <string>

#include <gtest/gtest.h>

#include "common/civil_date.hpp"

namespace zpipe {
namespace {

constexpr std::uint64_t kChristmasEve = 1'798'135'200'000;  // 2026-12-24T18:00:00Z

TEST(TimePointText, ReadsRfc3339InUtc) {
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00Z").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("1970-01-01T00:00:00Z").value(), 0u);
  EXPECT_EQ(parse_time_point("2024-02-29T12:00:00Z").value(), 1'709'208'000'000u);
  EXPECT_EQ(parse_time_point("9999-12-31T23:59:59.999Z").value(), 253'402'300'799'999u);
}

TEST(TimePointText, TakesLowercaseTAndZAndASpaceForTheT) {
  EXPECT_EQ(parse_time_point("2026-12-24t18:00:00z").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("2026-12-24 18:00:00Z").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("  2026-12-24T18:00:00Z\n").value(), kChristmasEve);
}

TEST(TimePointText, AppliesTheOffsetToReachUtc) {
  EXPECT_EQ(parse_time_point("2026-12-24T19:00:00+01:00").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("2026-12-24T12:30:00-05:30").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00.250+01:00").value(),
            kChristmasEve - 3'600'000 + 250);
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00-00:00").value(), kChristmasEve);
  // An offset carries the moment over midnight and over the year's end.
  EXPECT_EQ(parse_time_point("2027-01-01T00:30:00+01:00").value(),
            parse_time_point("2026-12-31T23:30:00Z").value());
}

TEST(TimePointText, KeepsMillisecondsAndCutsOffFinerFractions) {
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00.5Z").value(), kChristmasEve + 500);
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00.25Z").value(), kChristmasEve + 250);
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00.007Z").value(), kChristmasEve + 7);
  EXPECT_EQ(parse_time_point("2026-12-24T18:00:00.123999999Z").value(), kChristmasEve + 123);
}

TEST(TimePointText, ReadsUnixSecondsWholeOrWithAFraction) {
  EXPECT_EQ(parse_time_point("1798135200").value(), kChristmasEve);
  EXPECT_EQ(parse_time_point("1798135200.5").value(), kChristmasEve + 500);
  EXPECT_EQ(parse_time_point("1798135200.0421").value(), kChristmasEve + 42);
  EXPECT_EQ(parse_time_point("0").value(), 0u);
  EXPECT_EQ(parse_time_point("253402300799").value(), 253'402'300'799'000u);
}

TEST(TimePointText, RefusesWhatIsNotATimeSayingWhatItTakes) {
  for (const char* text : {"",
                           "   ",
                           "tomorrow",
                           "2026-12-24",
                           "2026-12-24T18:00:00",
                           "2026-12-24T18:00Z",
                           "2026-12-24T18:00:00+0100",
                           "2026-12-24T18:00:00+01",
                           "2026-12-24X18:00:00Z",
                           "2026-12-24T18:00:00.Z",
                           "2026-12-24T18:00:00ZZ",
                           "26-12-24T18:00:00Z",
                           "2026/12/24T18:00:00Z",
                           "2026-12-24T18:00:00 Z",
                           "1798135200.",
                           ".5",
                           "1.2.3",
                           "-1798135200",
                           "1798135200s",
                           "0x10",
                           "2026-13-01T00:00:00Z",
                           "2026-00-10T00:00:00Z",
                           "2026-02-29T00:00:00Z",
                           "2026-04-31T00:00:00Z",
                           "2026-01-00T00:00:00Z",
                           "2026-12-24T24:00:00Z",
                           "2026-12-24T18:60:00Z",
                           "2026-12-31T23:59:60Z",
                           "2026-12-24T18:00:00+24:00",
                           "2026-12-24T18:00:00+01:60",
                           "1969-12-31T23:59:59Z",
                           "1970-01-01T00:30:00+01:00",
                           "253402300800",
                           "99999999999999999999999"}) {
    const auto parsed = parse_time_point(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid) << text;
    const auto& message = parsed.error().message;
    EXPECT_NE(message.find("\"" + std::string(text) + "\" is not a time"), std::string::npos)
        << message;
    EXPECT_NE(message.find("expected RFC 3339 like 2026-12-24T18:00:00Z or Unix seconds"),
              std::string::npos)
        << message;
  }
}

TEST(TimePointText, SaysWhatIsWrongWithAnAlmostRightTime) {
  const auto why = [](const char* text) { return parse_time_point(text).error().message; };
  EXPECT_NE(why("2026-12-24T18:00:00").find("no time zone: end it with Z for UTC or an offset"),
            std::string::npos);
  EXPECT_NE(why("2026-12-24").find("a date with no time of day"), std::string::npos);
  EXPECT_NE(why("2026-02-29T00:00:00Z").find("2026-02 has no day 29"), std::string::npos);
  EXPECT_NE(why("2026-13-01T00:00:00Z").find("month 13 is not 01-12"), std::string::npos);
  EXPECT_NE(why("2026-12-31T23:59:60Z").find("no leap seconds"), std::string::npos);
  EXPECT_NE(why("1969-12-31T23:59:59Z").find("before 1970"), std::string::npos);
  EXPECT_NE(why("-5").find("before 1970"), std::string::npos);
  EXPECT_NE(why("253402300800").find("after 9999"), std::string::npos);
  EXPECT_NE(why("2026-12-24T18:00:00+0100").find("+01:00 or -05:30"), std::string::npos);
}

TEST(TimePointText, WritesUtcWithMillisecondsOnlyWhenThereAreSome) {
  EXPECT_EQ(format_time_point(kChristmasEve), "2026-12-24T18:00:00Z");
  EXPECT_EQ(format_time_point(kChristmasEve + 250), "2026-12-24T18:00:00.250Z");
  EXPECT_EQ(format_time_point(kChristmasEve + 7), "2026-12-24T18:00:00.007Z");
  EXPECT_EQ(format_time_point(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_time_point(1'709'251'199'000), "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_time_point(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
}

TEST(TimePointText, ReadsBackWhatItWrites) {
  // Every day of 1970-2400 at a time that changes with the day, so that each month's end, each
  // leap day and the century years (2100 has no 29 February, 2000 and 2400 have) pass through.
  for (std::int64_t day = 0; day < days_from_civil(CivilDate{2401, 1, 1}); day += 1) {
    const auto ms = static_cast<std::uint64_t>(day) * 86'400'000 +
                    static_cast<std::uint64_t>(day * 7'919'333 % 86'400'000);
    const auto text = format_time_point(ms);
    const auto back = parse_time_point(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
    ASSERT_EQ(back.value(), ms) << text;
  }
}

}  // namespace
}  // namespace zpipe
