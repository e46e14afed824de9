#include "front/delay_text.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;

TEST(DelayText, ReadsMillisecondsAndEveryDurationUnit) {
  EXPECT_EQ(parse_delay("500ms").value(), 500ms);
  EXPECT_EQ(parse_delay("1ms").value(), 1ms);
  EXPECT_EQ(parse_delay("90s").value(), 90s);
  EXPECT_EQ(parse_delay("5m").value(), 5min);
  EXPECT_EQ(parse_delay("2h").value(), 2h);
  EXPECT_EQ(parse_delay("1d").value(), 24h);
  EXPECT_EQ(parse_delay("1w").value(), 7 * 24h);
}

TEST(DelayText, RefusesAnythingElseQuotingItAndNamingTheForms) {
  for (const char* text :
       {"", "ms", "0ms", "-5ms", "1.5s", "90", "5 m", "90S", "2x", "0s", "999999999999ms"}) {
    const auto parsed = parse_delay(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(parsed.error().message,
              "'" + std::string(text) +
                  "' is not a delay: give a whole number and a unit, ms, s, m, h, d or w, such "
                  "as 500ms, 90s, 5m, 2h or 1d");
  }
}

}  // namespace
}  // namespace zpipe
