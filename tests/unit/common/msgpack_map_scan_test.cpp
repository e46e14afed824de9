#include "common/msgpack_map_scan.hpp"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <msgpack.hpp>

namespace zpipe {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

// A map of `entries` entries whose contents `fill` packs.
template <class Fill>
std::string map_of(std::uint32_t entries, Fill fill) {
  msgpack::sbuffer buffer;
  Packer p(buffer);
  p.pack_map(entries);
  fill(p);
  return std::string(buffer.data(), buffer.size());
}

TEST(MsgpackMapScan, FindsTheFieldAfterValuesOfEveryKind) {
  const auto bytes = map_of(12, [](Packer& p) {
    p.pack("nil").pack_nil();
    p.pack("bool").pack(true);
    p.pack("neg").pack(-100'000);
    p.pack("float").pack(1.5);
    p.pack("bin").pack_bin(3).pack_bin_body("abc", 3);
    p.pack("ext").pack_ext(20, 7).pack_ext_body(std::string(20, 'e').data(), 20);
    p.pack("fixext").pack_ext(4, 1).pack_ext_body("abcd", 4);
    p.pack("long string").pack(std::string(70'000, 's'));
    p.pack("array").pack_array(2).pack(1).pack_map(1).pack("req").pack(666);
    p.pack_array(1).pack("req").pack("a key that is an array");  // not a string key
    p.pack("req").pack(42u);
    p.pack("req").pack(43u);
  });
  EXPECT_EQ(scan_top_level_unsigned(bytes, "req"), 42u)
      << "the first top-level one; nested and non-string keys do not count";
  EXPECT_EQ(scan_top_level_unsigned(bytes, "absent"), std::nullopt);
}

TEST(MsgpackMapScan, ReadsEveryIntegerWidthAndNoNegativeOrOtherValue) {
  const auto with = [](auto pack_value) {
    return map_of(1, [&](Packer& p) {
      p.pack("req");
      pack_value(p);
    });
  };
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_fix_uint8(7); }), "req"), 7u);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_uint16(300); }), "req"), 300u);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_uint32(70'000); }), "req"),
            70'000u);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_uint64(UINT64_MAX); }), "req"),
            UINT64_MAX);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_fix_int8(5); }), "req"), 5u)
      << "a non-negative signed integer is one (msgpack-c reads it as positive)";
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_fix_int64(1LL << 40); }), "req"),
            1ULL << 40);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_fix_int8(-1); }), "req"),
            std::nullopt);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack_fix_int64(-5); }), "req"),
            std::nullopt);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack(-3); }), "req"), std::nullopt);
  EXPECT_EQ(scan_top_level_unsigned(with([](Packer& p) { p.pack("7"); }), "req"), std::nullopt);
}

TEST(MsgpackMapScan, StepsOverWhatNoUnpackLimitWouldTake) {
  // 200,000 elements and 1,000 levels: far past decode()'s limits, still stepped over.
  const auto bytes = map_of(3, [](Packer& p) {
    p.pack("big").pack_array(200'000);
    for (int i = 0; i < 200'000; ++i) p.pack_nil();
    p.pack("deep");
    for (int i = 0; i < 1'000; ++i) p.pack_array(1);
    p.pack_nil();
    p.pack("req").pack(9u);
  });
  EXPECT_EQ(scan_top_level_unsigned(bytes, "req"), 9u);
}

TEST(MsgpackMapScan, FindsNothingPastBytesItCannotRead) {
  const auto good = map_of(2, [](Packer& p) { p.pack("a").pack(1).pack("req").pack(3u); });
  ASSERT_EQ(scan_top_level_unsigned(good, "req"), 3u);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_EQ(scan_top_level_unsigned(good.substr(0, cut), "req"), std::nullopt) << cut;
  }
  EXPECT_EQ(scan_top_level_unsigned(good + "trailing", "req"), 3u) << "what follows is not read";
  EXPECT_EQ(scan_top_level_unsigned("", "req"), std::nullopt);
  EXPECT_EQ(scan_top_level_unsigned(std::string("\x92\xa3req\x03", 6), "req"), std::nullopt)
      << "an array, not a map";
  EXPECT_EQ(scan_top_level_unsigned(std::string("\x82\xc1\x00\xa3req\x03", 8), "req"), std::nullopt)
      << "a byte msgpack never uses, before the field";
  // An array that claims more elements than there are bytes: refused at once, not walked.
  EXPECT_EQ(
      scan_top_level_unsigned(std::string("\x82\xa1x\xdd\xff\xff\xff\xff\xa3req\x03", 13), "req"),
      std::nullopt);
  // A string claiming 4 GiB.
  EXPECT_EQ(scan_top_level_unsigned(std::string("\x81\xdb\xff\xff\xff\xff", 6), "req"),
            std::nullopt);
}

TEST(MsgpackMapScan, StopsAtTheMapsOwnEntries) {
  // One entry, then a "req" that is not part of the map.
  const auto bytes = map_of(1, [](Packer& p) { p.pack("a").pack(1); }) +
                     map_of(1, [](Packer& p) { p.pack("req").pack(3u); });
  EXPECT_EQ(scan_top_level_unsigned(bytes, "req"), std::nullopt);
}

// Wherever msgpack-c unpacks the bytes to a map, the scan finds what a look-up of its first
// string key "req" finds: random bytes spliced into a message with a req, seeded.
TEST(MsgpackMapScan, AgreesWithMsgpackCWhereverItUnpacks) {
  const auto base = map_of(4, [](Packer& p) {
    p.pack("v").pack(2).pack("k").pack("submit").pack("jobs").pack_array(2).pack(-7).pack_map(1);
    p.pack("payload").pack(std::vector<int>{1, 2, 3});
    p.pack("req").pack(1234567u);
  });
  std::mt19937 random(2024);
  int unpacked_with_req = 0;
  for (int i = 0; i < 50'000; ++i) {
    std::string bytes = base;
    const auto changes = 1 + random() % 4;
    for (std::uint32_t c = 0; c < changes; ++c) {
      const auto at = random() % bytes.size();
      switch (random() % 3) {
        case 0:
          bytes[at] = static_cast<char>(random());
          break;
        case 1:
          bytes.erase(at, 1);
          break;
        default:
          bytes.insert(at, 1, static_cast<char>(random()));
      }
    }
    std::optional<std::uint64_t> expected;
    try {
      // Under limits like decode()'s: unlimited, msgpack-c allocates what a header claims.
      const auto handle =
          msgpack::unpack(bytes.data(), bytes.size(), nullptr, nullptr,
                          msgpack::unpack_limit(100'000, 10'000, 1 << 20, 1 << 20, 1 << 20, 32));
      const auto& o = handle.get();
      if (o.type != msgpack::type::MAP) continue;
      for (std::uint32_t k = 0; k < o.via.map.size; ++k) {
        const auto& key = o.via.map.ptr[k].key;
        if (key.type != msgpack::type::STR ||
            std::string_view(key.via.str.ptr, key.via.str.size) != "req") {
          continue;
        }
        const auto& value = o.via.map.ptr[k].val;
        if (value.type == msgpack::type::POSITIVE_INTEGER) expected = value.via.u64;
        break;
      }
    } catch (const std::exception&) {
      continue;  // not msgpack, ends early or over a limit: nothing to compare with
    }
    if (expected) ++unpacked_with_req;
    EXPECT_EQ(scan_top_level_unsigned(bytes, "req"), expected) << i;
  }
  EXPECT_GT(unpacked_with_req, 1000) << "the mutations left too few readable messages";
}

}  // namespace
}  // namespace zpipe
