#include "ventilator/event_hub.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

Event event_with(std::map<std::string, std::string> fields) {
  return Event{"job.succeeded", "worker w1", 1, 1, std::move(fields)};
}

TEST(EventHub, StampsTheKeyAnEventCameWith) {
  const auto stamped = EventHub::stamp_sender_key(event_with({{"job", "j-1"}}), "worker-eu");
  ASSERT_TRUE(stamped);
  EXPECT_EQ(stamped->fields,
            (std::map<std::string, std::string>{{"job", "j-1"}, {"key", "worker-eu"}}));
}

TEST(EventHub, ReplacesAKeyThePublisherClaimed) {
  const auto stamped =
      EventHub::stamp_sender_key(event_with({{"job", "j-1"}, {"key", "server"}}), "mallory");
  ASSERT_TRUE(stamped);
  EXPECT_EQ(stamped->fields.at("key"), "mallory");
}

TEST(EventHub, RemovesAClaimedKeyInTheClear) {
  const auto stamped = EventHub::stamp_sender_key(event_with({{"key", "server"}}), "");
  ASSERT_TRUE(stamped);
  EXPECT_EQ(stamped->fields.count("key"), 0u);
}

TEST(EventHub, ForwardsAnEventUnchangedWhenNothingIsToBeSaid) {
  EXPECT_FALSE(EventHub::stamp_sender_key(event_with({{"job", "j-1"}}), ""));
  EXPECT_FALSE(EventHub::stamp_sender_key(event_with({{"key", "w"}}), "w"));
}

}  // namespace
}  // namespace zpipe
