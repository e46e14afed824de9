#include "worker/queue_selection.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(QueueSelection, NamesAloneServeQueuesInStrictOrder) {
  const auto selection = parse_queue_selection({"critical", "default", "low"});
  ASSERT_TRUE(selection.ok()) << selection.error().message;
  EXPECT_EQ(selection.value().queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_FALSE(selection.value().is_weighted());
  EXPECT_EQ(queue_selection_text(selection.value()), "critical,default,low");
}

TEST(QueueSelection, NamesWithWeightsServeQueuesByWeight) {
  const auto selection = parse_queue_selection({"critical:6", "default:3", "low:1"});
  ASSERT_TRUE(selection.ok()) << selection.error().message;
  EXPECT_EQ(selection.value().queues, (std::vector<std::string>{"critical", "default", "low"}));
  EXPECT_EQ(selection.value().weights, (std::vector<std::uint32_t>{6, 3, 1}));
  EXPECT_EQ(queue_selection_text(selection.value()), "critical:6,default:3,low:1");
}

TEST(QueueSelection, NothingMeansEveryQueue) {
  const auto selection = parse_queue_selection({});
  ASSERT_TRUE(selection.ok());
  EXPECT_TRUE(selection.value().queues.empty());
  EXPECT_EQ(queue_selection_text(selection.value()), "");
}

TEST(QueueSelection, SomeWeightedAndSomeNotIsRefused) {
  const auto selection = parse_queue_selection({"critical:6", "default"});
  ASSERT_FALSE(selection.ok());
  EXPECT_EQ(selection.error().code, ErrorCode::kInvalid);
  EXPECT_NE(selection.error().message.find("every queue a weight"), std::string::npos)
      << selection.error().message;
}

TEST(QueueSelection, BadWeightsAreRefusedNamingTheQueue) {
  for (const auto* item :
       {"low:0", "low:", "low:x", "low:-1", "low:1.5", "low:2000000", "low:3:4"}) {
    const auto selection = parse_queue_selection({item});
    ASSERT_FALSE(selection.ok()) << item;
    EXPECT_NE(selection.error().message.find("weight of queue \"low\""), std::string::npos)
        << item << ": " << selection.error().message;
  }
}

TEST(QueueSelection, BadNamesAreRefused) {
  for (const std::string& name :
       std::vector<std::string>{"", "two words", "tab\there", std::string(201, 'q')}) {
    const auto selection = parse_queue_selection({name});
    EXPECT_FALSE(selection.ok()) << "'" << name << "'";
  }
  const auto twice = parse_queue_selection({"low", "high", "low"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("\"low\" is named twice"), std::string::npos);
  EXPECT_TRUE(parse_queue_selection({std::string(200, 'q')}).ok()) << "200 bytes is allowed";
}

}  // namespace
}  // namespace zpipe
