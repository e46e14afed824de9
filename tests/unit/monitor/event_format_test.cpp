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

}  // namespace
}  // namespace zpipe
