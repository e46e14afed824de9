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

TEST(Payload, ShowsStringsThatAreNotUtf8AsUtf8) {
  // {"a\xff": "x\xfe\xc3\xa9"}: a key and a value with bytes that start no UTF-8 character.
  const auto payload =
      Payload::from_msgpack(std::string("\x81\xa2"
                                        "a\xff"
                                        "\xa4"
                                        "x\xfe\xc3\xa9",
                                        9));
  const nlohmann::json expected = {{"a\xef\xbf\xbd", "x\xef\xbf\xbd\xc3\xa9"}};
  EXPECT_EQ(payload.to_json(), expected);
  EXPECT_NO_THROW((void)payload.to_json().dump()) << "dump() refuses strings that are not UTF-8";
}

// Found by fuzz/payload_json_fuzzer.cpp (fuzz/regressions/payload_json/keys_not_utf8_reorder):
// keys were ordered by their raw bytes and repaired only in the text, which then read back in
// another order, so the store showed a result differently each time it was read and written.
TEST(Payload, TextWithKeysThatWereNotUtf8ReadsBackToTheSameText) {
  // {"E\x88\x96\x8b?w!a\xe4\x8a\x8b": -1, "s\xa6stdr": "", "s\xf4dout": "\xef\xab\x8b"}
  const std::string bytes(
      "\x83\xab\x45\x88\x96\x8b\x3f\x77\x21\x61\xe4\x8a\x8b\xff\xa6\x73\xa6\x73\x74\x64"
      "\x72\xa0\xa6\x73\xf4\x64\x6f\x75\x74\xa3\xef\xab\x8b",
      33);
  const auto text = Payload::from_msgpack(bytes).to_json_text();
  const auto stored = Payload::parse_json(text);
  ASSERT_TRUE(stored.ok()) << text;
  EXPECT_EQ(stored.value().to_json_text(), text);
}

}  // namespace
}  // namespace zpipe
