#include "tests/support/nothing_lost_checks.hpp"

#include <set>

#include <gtest/gtest.h>

namespace zpipe::test {

void expect_recorded_exactly_once(TestPipeline& pipeline, const std::vector<std::string>& ids) {
  const auto rows = pipeline.store()->list({std::nullopt, "", 10'000'000}).value();
  std::set<std::string> recorded;
  for (const auto& row : rows) {
    EXPECT_TRUE(recorded.insert(row.outcome.id).second) << "recorded twice: " << row.outcome.id;
    EXPECT_TRUE(row.outcome.succeeded()) << row.outcome.id << ": " << row.outcome.error;
  }
  const std::set<std::string> expected(ids.begin(), ids.end());
  ASSERT_EQ(expected.size(), ids.size()) << "ids must be unique";
  std::vector<std::string> missing;
  for (const auto& id : expected) {
    if (!recorded.contains(id)) missing.push_back(id);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " jobs never recorded, first " << missing[0];
  EXPECT_EQ(recorded.size(), expected.size());
}

void expect_nothing_left(TestPipeline& pipeline, std::uint64_t succeeded) {
  auto status = pipeline.client().status();
  ASSERT_TRUE(status.ok());
  const auto& c = status.value();
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.scheduled, 0u);
  EXPECT_EQ(c.in_flight, 0u);
  EXPECT_EQ(c.retrying, 0u);
  EXPECT_EQ(c.succeeded, succeeded);
}

}  // namespace zpipe::test
