#include "monitor/event_format.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

const Event kEvent{
    "job.failed", "worker h:1", 7, 1700000000123, {{"job", "a-1"}, {"error", "no space left"}}};

TEST(EventFormat, LineShowsNameSourceAndQuotedFields) {
  const auto line = format_event_line(kEvent);
  EXPECT_NE(line.find(".123 job.failed"), std::string::npos) << line;
  EXPECT_NE(line.find("worker h:1"), std::string::npos);
  EXPECT_NE(line.find("job=a-1"), std::string::npos);
  EXPECT_NE(line.find("error=\"no space left\""), std::string::npos) << line;
}

TEST(EventFormat, JsonHasEveryPart) {
  const auto j = nlohmann::json::parse(format_event_json(kEvent));
  EXPECT_EQ(j["name"], "job.failed");
  EXPECT_EQ(j["source"], "worker h:1");
  EXPECT_EQ(j["seq"], 7);
  EXPECT_EQ(j["time_ms"], 1700000000123);
  EXPECT_EQ(j["fields"]["error"], "no space left");
}

TEST(EventFormat, NeverThrowsOnBytesThatAreNotUtf8AndKeepsOneLine) {
  const Event event{"job.failed",
                    "worker h:1",
                    8,
                    1700000000123,
                    {{"error", "caf\xe9 au lait\nsecond line"}, {"job", "a-2"}}};
  std::string line;
  ASSERT_NO_THROW(line = format_event_line(event));
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_NE(line.find("second line"), std::string::npos);
  std::string json;
  ASSERT_NO_THROW(json = format_event_json(event));
  EXPECT_NE(nlohmann::json::parse(json)["fields"]["error"].get<std::string>().find("au lait"),
            std::string::npos);
}

}  // namespace
}  // namespace zpipe
