#include "common/duration_text.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

TEST(DurationText, ReadsAWholeNumberAndOneUnit) {
  EXPECT_EQ(parse_duration("2s").value(), 2s);
  EXPECT_EQ(parse_duration("90m").value(), 90min);
  EXPECT_EQ(parse_duration("12h").value(), 12h);
  EXPECT_EQ(parse_duration("30d").value(), 30 * 24h);
  EXPECT_EQ(parse_duration("2w").value(), 14 * 24h);
  EXPECT_EQ(parse_duration("007d").value(), 7 * 24h);
}

TEST(DurationText, RefusesAnythingElseSayingWhatItTakes) {
  for (const char* text : {"", "d", "30", "30x", "30D", "-1d", "+1d", "1.5h", "1 d", "0d", "h12",
                           "99999999999999999999w", "5300w"}) {
    const auto parsed = parse_duration(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid) << text;
    EXPECT_NE(parsed.error().message.find("such as 90m, 12h, 30d or 2w"), std::string::npos)
        << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(std::string("'") + text + "'"), std::string::npos)
        << parsed.error().message;
  }
  EXPECT_TRUE(parse_duration("5200w").ok()) << "a century is the longest";
}

TEST(DurationText, WritesTheLargestWholeUnit) {
  EXPECT_EQ(duration_text(14 * 24h), "2w");
  EXPECT_EQ(duration_text(30 * 24h), "30d");
  EXPECT_EQ(duration_text(36h), "36h");
  EXPECT_EQ(duration_text(90min), "90m");
  EXPECT_EQ(duration_text(5s), "5s");
  EXPECT_EQ(duration_text(1500ms), "1500ms");
  for (const char* text : {"2w", "30d", "12h", "90m", "45s"}) {
    EXPECT_EQ(duration_text(parse_duration(text).value()), text);
  }
}

}  // namespace
}  // namespace zpipe
