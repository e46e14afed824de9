#include "common/payload.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

TEST(Payload, DefaultsToNil) {
  EXPECT_TRUE(Payload().is_nil());
  EXPECT_TRUE(Payload().to_json().is_null());
}

TEST(Payload, RoundTripsJson) {
  const nlohmann::json value = {{"path", "/tmp/a.jpg"}, {"size", 256}, {"tags", {"x", "y"}}};
  EXPECT_EQ(Payload::from_json(value).to_json(), value);
}

TEST(Payload, ParsesJsonText) {
  auto parsed = Payload::parse_json(R"({"ms": 5})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().to_json()["ms"], 5);
}

TEST(Payload, RefusesInvalidJsonText) {
  auto parsed = Payload::parse_json("{oops");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalid);
}

TEST(Payload, DescribesWhatJsonCannotHold) {
  // A msgpack map with an integer key has no JSON form.
  const auto payload = Payload::from_msgpack(std::string("\x81\x01\x02", 3));
  EXPECT_EQ(payload.to_json(), "<msgpack 3 bytes>");
}

}  // namespace
}  // namespace zpipe
