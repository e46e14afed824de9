#include "sink/ack_messages.hpp"

#include <variant>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

// A succeeded job's ack with `n` follow-ups of `bytes` bytes of payload each.
Ack ack_with_follow_ups(int id, std::size_t n, std::size_t bytes) {
  Ack ack{"mx-" + std::to_string(id), OutcomeStatus::kSucceeded, false, 1, true};
  for (std::size_t i = 0; i < n; ++i) {
    ack.follow_ups.push_back(JobSpec{"index", Payload::from_json(std::string(bytes, 'x')), 0, 0});
  }
  return ack;
}

// The acks of `messages`, in order; each message is decoded as the ventilator decodes it.
std::vector<Ack> decoded_acks(const std::vector<std::string>& messages, std::size_t room,
                              std::uint64_t lag_ms) {
  std::vector<Ack> acks;
  for (const auto& message : messages) {
    EXPECT_LE(message.size(), room);
    const auto decoded = decode(message);
    if (!decoded.ok()) {
      ADD_FAILURE() << decoded.error().message;
      continue;
    }
    const auto& batch = std::get<AckBatch>(decoded.value());
    EXPECT_EQ(batch.lag_ms, lag_ms);
    acks.insert(acks.end(), batch.acks.begin(), batch.acks.end());
  }
  return acks;
}

TEST(AckMessages, AcksThatFitGoInOneMessage) {
  AckBatch acks{{ack_with_follow_ups(1, 2, 100), ack_with_follow_ups(2, 0, 0)}, 7};
  const auto messages = encode_acks_within(acks, ack_room(1 << 20));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], encode(acks));
}

TEST(AckMessages, AcksOverTheLimitAreSplitBetweenAcksInTheirOrder) {
  // 1,000 acks with 4 follow-ups of 1 KiB each: about 4 MiB.
  AckBatch acks{{}, 12};
  for (int i = 0; i < 1000; ++i) acks.acks.push_back(ack_with_follow_ups(i, 4, 1024));
  const auto room = ack_room(1 << 20);
  const auto messages = encode_acks_within(acks, room);
  EXPECT_GE(messages.size(), 4u);
  EXPECT_LE(messages.size(), 8u);
  EXPECT_EQ(decoded_acks(messages, room, 12), acks.acks);
}

TEST(AckMessages, AnAckOverTheLimitAloneGoesAloneAndWhole) {
  AckBatch acks{{ack_with_follow_ups(1, 1, 10), ack_with_follow_ups(2, 3, 1000),
                 ack_with_follow_ups(3, 1, 10)},
                0};
  const auto messages = encode_acks_within(acks, 1000);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_GT(messages[1].size(), 1000u);
  EXPECT_EQ(decoded_acks({messages[0], messages[2]}, 1000, 0),
            (std::vector<Ack>{acks.acks[0], acks.acks[2]}));
  EXPECT_EQ(std::get<AckBatch>(decode(messages[1]).value()).acks, std::vector<Ack>{acks.acks[1]});
  EXPECT_EQ(ack_room(64 * 1024), 64u * 1024) << "within a smaller limit";
  EXPECT_EQ(ack_room(8 << 20), 1u << 20) << "never over the ventilator's default";
}

}  // namespace
}  // namespace zpipe
