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

TEST(EventFormat, JsonGivesNumbersAsNumbersAndTextAsText) {
  const Event state{"worker.heartbeat",
                    "worker h:1",
                    9,
                    1700000000123,
                    {{"busy_pct", "50"},
                     {"slots", "2"},
                     {"job_started_ms", "1700000000000"},
                     {"accepted_per_s", "12.5"},
                     {"offset", "-3"},
                     {"state", "busy"},
                     {"job", "1234"},
                     {"error", "42"},
                     {"padded", "007"},
                     {"huge", "123456789012345678901234567890"},
                     {"half", "5x"}}};
  const auto j = nlohmann::json::parse(format_event_json(state))["fields"];
  EXPECT_TRUE(j["busy_pct"].is_number_integer()) << j;
  EXPECT_EQ(j["busy_pct"], 50);
  EXPECT_EQ(j["slots"], 2);
  EXPECT_EQ(j["job_started_ms"].get<std::uint64_t>(), 1700000000000u);
  EXPECT_TRUE(j["accepted_per_s"].is_number_float()) << j;
  EXPECT_DOUBLE_EQ(j["accepted_per_s"].get<double>(), 12.5);
  EXPECT_EQ(j["offset"], -3);
  EXPECT_EQ(j["state"], "busy");
  // Fields that carry text stay text, however they look: one JSON type per field.
  EXPECT_EQ(j["job"], "1234");
  EXPECT_EQ(j["error"], "42");
  // What JSON would not read as the same number stays text.
  EXPECT_EQ(j["padded"], "007");
  EXPECT_EQ(j["huge"], "123456789012345678901234567890");
  EXPECT_EQ(j["half"], "5x");
  const Event opened{"batch.opened",
                     "ventilator h:1",
                     10,
                     1700000000123,
                     {{"batch", "7"}, {"description", "2024"}}};
  const auto b = nlohmann::json::parse(format_event_json(opened))["fields"];
  EXPECT_EQ(b["batch"], "7");
  EXPECT_EQ(b["description"], "2024");
}

TEST(EventFormat, ACancelledJobStandsOutAndNamesItsQueueAsText) {
  const Event cancelled{"job.cancelled",
                        "worker h:1",
                        9,
                        1700000000123,
                        {{"job", "a-3"},
                         {"type", "sleep"},
                         {"queue", "2024"},
                         {"code", "cancelled"},
                         {"error", "cancelled by alice@web1"}}};
  const auto line = format_event_line(cancelled, true);
  EXPECT_NE(line.find("\x1b[35mjob.cancelled"), std::string::npos) << "magenta: " << line;
  EXPECT_NE(line.find("error=\"cancelled by alice@web1\""), std::string::npos) << line;
  const auto j = nlohmann::json::parse(format_event_json(cancelled))["fields"];
  EXPECT_EQ(j["queue"], "2024") << "a queue's name is text, even one of digits";
  EXPECT_EQ(j["code"], "cancelled");
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
