#include "ventilator/limit_spec.hpp"

#include <string>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using Scope = LimitSpec::Scope;
using Kind = LimitSpec::Kind;

TEST(LimitSpec, ReadsRatesPerSecondMinuteAndHour) {
  const auto per_second = parse_limit("thumb=10/s").value();
  EXPECT_EQ(per_second.scope, Scope::kType);
  EXPECT_EQ(per_second.name, "thumb");
  EXPECT_EQ(per_second.kind, Kind::kRate);
  EXPECT_DOUBLE_EQ(per_second.per_second, 10);
  EXPECT_DOUBLE_EQ(parse_limit("thumb=600/m").value().per_second, 10);
  EXPECT_DOUBLE_EQ(parse_limit("thumb=100/h").value().per_second, 100.0 / 3600);
  EXPECT_DOUBLE_EQ(parse_limit("thumb=2.5/s").value().per_second, 2.5);
  EXPECT_DOUBLE_EQ(parse_limit("thumb=1000000/s").value().per_second, 1e6);
}

TEST(LimitSpec, ReadsConcurrency) {
  const auto spec = parse_limit("thumb=concurrency:4").value();
  EXPECT_EQ(spec.scope, Scope::kType);
  EXPECT_EQ(spec.name, "thumb");
  EXPECT_EQ(spec.kind, Kind::kConcurrency);
  EXPECT_EQ(spec.concurrency, 4u);
}

TEST(LimitSpec, ReadsQueueLimitsAndExplicitTypes) {
  const auto rate = parse_limit("queue:mail=10/s").value();
  EXPECT_EQ(rate.scope, Scope::kQueue);
  EXPECT_EQ(rate.name, "mail");
  EXPECT_EQ(rate.kind, Kind::kRate);
  const auto concurrency = parse_limit("queue:mail=concurrency:2").value();
  EXPECT_EQ(concurrency.scope, Scope::kQueue);
  EXPECT_EQ(concurrency.concurrency, 2u);
  const auto odd = parse_limit("type:queue:odd=1/s").value();
  EXPECT_EQ(odd.scope, Scope::kType);
  EXPECT_EQ(odd.name, "queue:odd");
  EXPECT_EQ(parse_limit("type:thumb=1/s").value(), parse_limit("thumb=1/s").value());
  EXPECT_EQ(parse_limit("mail:send=1/s").value().name, "mail:send") << "only queue: and type:";
}

TEST(LimitSpec, WritesCanonicalTextThatReadsBack) {
  const auto canonical = [](const char* text) { return parse_limit(text).value().text(); };
  EXPECT_EQ(canonical("thumb=10/s"), "thumb=10/s");
  EXPECT_EQ(canonical("thumb=600/m"), "thumb=10/s");
  EXPECT_EQ(canonical("thumb=30/m"), "thumb=30/m");
  EXPECT_EQ(canonical("thumb=100/h"), "thumb=100/h");
  EXPECT_EQ(canonical("thumb=7200/h"), "thumb=2/s");
  EXPECT_EQ(canonical("thumb=0.5/m"), "thumb=30/h");
  EXPECT_EQ(canonical("thumb=2.5/s"), "thumb=150/m");
  EXPECT_EQ(canonical("thumb=concurrency:4"), "thumb=concurrency:4");
  EXPECT_EQ(canonical("queue:mail=10/s"), "queue:mail=10/s");
  EXPECT_EQ(canonical("queue:mail=concurrency:2"), "queue:mail=concurrency:2");
  EXPECT_EQ(canonical("type:queue:odd=1/s"), "type:queue:odd=1/s");
  EXPECT_EQ(canonical("type:type:odd=1/s"), "type:type:odd=1/s");
  for (const char* text :
       {"thumb=10/s", "thumb=100/h", "thumb=0.7/m", "thumb=0.001/h", "thumb=123.456/s", "thumb=1/h",
        "thumb=3/s", "queue:q=concurrency:9", "type:queue:x=5/m"}) {
    const auto spec = parse_limit(text).value();
    const auto again = parse_limit(spec.text());
    ASSERT_TRUE(again.ok()) << spec.text() << ": " << again.error().message;
    EXPECT_EQ(again.value(), spec) << text << " written " << spec.text();
  }
}

TEST(LimitSpec, RefusesOtherFormsSayingWhichAreAllowed) {
  for (const char* text : {"thumb=10",
                           "thumb",
                           "thumb=",
                           "=10/s",
                           "queue:=10/s",
                           "type:=1/s",
                           "thumb=0/s",
                           "thumb=0.0/s",
                           "thumb=-1/s",
                           "thumb=+1/s",
                           "thumb=10/d",
                           "thumb=10/",
                           "thumb=/s",
                           "thumb=10/sec",
                           "thumb=1e3/s",
                           "thumb=inf/s",
                           "thumb=nan/s",
                           "thumb=1.5.2/s",
                           "thumb=2000000/s",
                           "thumb=concurrency:0",
                           "thumb=concurrency:",
                           "thumb=concurrency:x",
                           "thumb=concurrency:-1",
                           "thumb=concurrency:2.5",
                           "thumb=concurrency:1000001",
                           "thumb=concurrency:99999999999999999999999",
                           "thumb=concurrency=4"}) {
    const auto parsed = parse_limit(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
    const auto& message = parsed.error().message;
    EXPECT_EQ(message.rfind("limit \"" + std::string(text) + "\": ", 0), 0u) << message;
    EXPECT_NE(message.find("write TYPE=10/s, TYPE=600/m, TYPE=100/h or TYPE=concurrency:4 for a "
                           "job type, queue:NAME=10/s or queue:NAME=concurrency:2 for a queue"),
              std::string::npos)
        << message;
  }
}

TEST(LimitSpec, SaysWhatIsWrong) {
  const auto why = [](const char* text) { return parse_limit(text).error().message; };
  EXPECT_NE(why("thumb=10").find("\"10\" is neither a rate nor a concurrency"), std::string::npos);
  EXPECT_NE(why("thumb").find("no '='"), std::string::npos);
  EXPECT_NE(why("queue:=1/s").find("no queue name"), std::string::npos);
  EXPECT_NE(why("=1/s").find("no job type"), std::string::npos);
  EXPECT_NE(why("thumb=10/d").find("rate unit \"d\" is not s, m or h"), std::string::npos);
  EXPECT_NE(why("thumb=0/s").find("a rate of 0 lets nothing through"), std::string::npos);
  EXPECT_NE(why("thumb=concurrency:0").find("concurrency 0 is not 1 to 1000000"),
            std::string::npos);
  EXPECT_NE(why("thumb=concurrency:x").find("concurrency \"x\" is not a whole number"),
            std::string::npos);
}

}  // namespace
}  // namespace zpipe
