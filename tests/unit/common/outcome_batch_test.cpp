#include "common/outcome_batch.hpp"

#include <deque>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zpipe {
namespace {

TEST(OutcomeBatch, AMessageHoldsAtMostItsCountAndItsBytesButAlwaysOneEntry) {
  const std::deque<std::string> small(300, std::string(10, 'x'));
  EXPECT_EQ(next_outcome_batch(small.begin(), small.end(), 1 << 20).size(), kMaxOutcomesPerMessage);
  const std::vector<std::string> sized = {std::string(60, 'a'), std::string(30, 'b'),
                                          std::string(20, 'c')};
  EXPECT_EQ(next_outcome_batch(sized.begin(), sized.end(), 100).size(), 2u);
  EXPECT_EQ(next_outcome_batch(sized.begin(), sized.end(), 10).size(), 1u)
      << "an entry over the room still goes, alone";
  EXPECT_TRUE(next_outcome_batch(sized.end(), sized.end(), 100).empty());
}

TEST(OutcomeBatch, APayloadTooLargeBesideTheRestGoesAsItsSize) {
  Outcome outcome;
  outcome.id = "j-1";
  outcome.type = "echo";
  outcome.payload = Payload::from_json(nlohmann::json{{"pad", std::string(5000, 'x')}});
  const auto whole = encode_outcome_entry_within(outcome, 1 << 20);
  EXPECT_TRUE(outcome.payload.has_value()) << "it fits: kept";
  const auto within = encode_outcome_entry_within(outcome, 1000);
  EXPECT_LT(within.size(), 1000u);
  EXPECT_FALSE(outcome.payload.has_value());
  EXPECT_GT(outcome.payload_bytes, 5000u);
  EXPECT_GT(whole.size(), within.size());
}

}  // namespace
}  // namespace zpipe
