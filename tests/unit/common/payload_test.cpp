#include "common/payload.hpp"

#include <algorithm>
#include <functional>
#include <random>

#include <gtest/gtest.h>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "common/json_text.hpp"

namespace zpipe {
namespace {

TEST(Payload, DefaultsToNil) {
  EXPECT_TRUE(Payload().is_nil());
  EXPECT_TRUE(Payload().to_json().is_null());
}

TEST(Payload, ClearGivesItsMemoryBack) {
  auto payload = Payload::from_json(nlohmann::json{{"blob", std::string(100'000, 'x')}});
  payload.clear();
  EXPECT_TRUE(payload.is_nil());
  EXPECT_LT(payload.msgpack().capacity(), 100u) << "a nil payload holds no 100 kB buffer";
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

// The text the store keeps of a result, the slow way: through nlohmann::json's tree.
std::string general_json_text(const std::string& msgpack) {
  return Payload::from_msgpack(msgpack).to_json().dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace);
}

TEST(DirectJsonText, WritesTheCommonShapesOfResults) {
  const auto echo = Payload::parse_json(R"({"msg":"h\u00e9 \"quoted\"\n\u0001"})").value();
  const auto exec = Payload::parse_json(
                        R"({"exit":0,"stderr":"","stdout":"a\tb","took":[-1,255,65536,null,true]})")
                        .value();
  for (const auto& payload : {echo, exec, Payload()}) {
    const auto direct = direct_json_text(payload.msgpack());
    ASSERT_TRUE(direct.has_value()) << general_json_text(payload.msgpack());
    EXPECT_EQ(*direct, general_json_text(payload.msgpack()));
  }
}

TEST(DirectJsonText, LeavesToTheGeneralPathWhatItDoesNotWriteTheSame) {
  // {"b":1,"a":2}: nlohmann::json sorts the keys.
  EXPECT_FALSE(
      direct_json_text(std::string("\x82\xa1"
                                   "b\x01\xa1"
                                   "a\x02",
                                   7)));
  // {"a":1,"a":2}: keeps one.
  EXPECT_FALSE(
      direct_json_text(std::string("\x82\xa1"
                                   "a\x01\xa1"
                                   "a\x02",
                                   7)));
  EXPECT_FALSE(direct_json_text(std::string("\xcb\x3f\xf8\0\0\0\0\0\0", 9)));  // 1.5
  EXPECT_FALSE(direct_json_text(std::string("\xc4\x01x", 3)));                 // binary
  EXPECT_FALSE(direct_json_text(std::string("\xa2x\xff", 3)));                 // not UTF-8
  EXPECT_FALSE(direct_json_text(std::string("\x81\x01\x02", 3)));              // int key
  EXPECT_FALSE(direct_json_text(std::string("\x92\x01", 2)));                  // cut short
  EXPECT_FALSE(direct_json_text(std::string("\x01\x02", 2)));                  // two values
}

// Random values of every kind the writer meets; where it writes one, it must be the general
// path's text to the byte.
TEST(DirectJsonText, AgreesWithTheGeneralPathOnRandomValues) {
  std::mt19937_64 random(7);
  const auto pick = [&](std::uint64_t n) { return random() % n; };
  const std::string alphabet[] = {"a",
                                  "b",
                                  "z",
                                  "\"",
                                  "\\",
                                  "\n",
                                  "\x01",
                                  "\x1f",
                                  "\x7f",
                                  "/",
                                  "\xc3\xa9",
                                  "\xe2\x82\xac",
                                  "\xf0\x9f\x98\x80",
                                  "\xff"};
  const auto text = [&] {
    std::string s;
    for (auto n = pick(6); n > 0; --n) s += alphabet[pick(std::size(alphabet))];
    return s;
  };
  std::function<void(msgpack::packer<msgpack::sbuffer>&, int)> value =
      [&](msgpack::packer<msgpack::sbuffer>& p, int depth) {
        switch (pick(depth > 3 ? 7 : 9)) {
          case 0:
            p.pack_nil();
            break;
          case 1:
            pick(2) ? p.pack_true() : p.pack_false();
            break;
          case 2:
            p.pack_int64(static_cast<std::int64_t>(random()) >> pick(64));
            break;
          case 3:
            p.pack_uint64(random() >> pick(64));
            break;
          case 4:
            p.pack(text());
            break;
          case 5:
            p.pack_double(static_cast<double>(pick(100)) / 4);
            break;
          case 6:
            p.pack_bin(1);
            p.pack_bin_body("x", 1);
            break;
          case 7: {
            const auto n = static_cast<std::uint32_t>(pick(4));
            p.pack_array(n);
            for (std::uint32_t i = 0; i < n; ++i) value(p, depth + 1);
            break;
          }
          default: {
            // Mostly sorted and distinct keys, as JSON-made payloads have; sometimes not.
            std::vector<std::string> keys(pick(4));
            for (auto& k : keys) k = text();
            if (pick(4) != 0) std::sort(keys.begin(), keys.end());
            p.pack_map(static_cast<std::uint32_t>(keys.size()));
            for (const auto& k : keys) {
              p.pack(k);
              value(p, depth + 1);
            }
          }
        }
      };
  int written = 0;
  for (int i = 0; i < 20000; ++i) {
    msgpack::sbuffer buffer;
    msgpack::packer<msgpack::sbuffer> packer(buffer);
    value(packer, 0);
    const std::string bytes(buffer.data(), buffer.size());
    const auto direct = direct_json_text(bytes);
    if (!direct) continue;
    ++written;
    ASSERT_EQ(*direct, general_json_text(bytes)) << "value " << i;
  }
  EXPECT_GT(written, 10000) << "the direct writer should take most of these values";
}

}  // namespace
}  // namespace zpipe
