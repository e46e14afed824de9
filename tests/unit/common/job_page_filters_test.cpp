#include "common/job_page_filters.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(JobPageFilters, PrefixEndIsTheLeastStringAfterEveryStringWithThePrefix) {
  EXPECT_EQ(prefix_end("mx9-4"), "mx9-5");
  EXPECT_EQ(prefix_end("mx9-"), "mx9.");
  EXPECT_EQ(prefix_end("a"), "b");
  EXPECT_EQ(prefix_end("a\xff"), "b");
  EXPECT_EQ(prefix_end("a\xfe"), "a\xff");
  EXPECT_EQ(prefix_end("\x7f"), "\x80");
  EXPECT_FALSE(prefix_end("").has_value());
  EXPECT_FALSE(prefix_end("\xff\xff").has_value());
}

std::vector<std::string> names(const std::vector<JobPageFilter>& filters) {
  std::vector<std::string> out;
  for (const auto& f : filters) out.push_back(f.name);
  return out;
}

TEST(JobPageFilters, IndexedFiltersComeFirstMostSelectiveFirst) {
  JobPageQuery query;
  query.type = "echo";
  query.queue = "default";
  query.status = OutcomeStatus::kSucceeded;
  query.from_ms = 5;
  query.id_prefix = "mx";
  query.batch = "mx-b1";
  const auto filters = job_page_filters(query, "queue", "batch", true);
  EXPECT_EQ(names(filters),
            (std::vector<std::string>{"batch", "id", "type", "status", "queue", "time"}));
  EXPECT_EQ(filters[1].on_index, "id >= ?6 AND id < ?7");
  EXPECT_FALSE(filters[1].in_row_order);
  EXPECT_EQ(filters[1].on_row, "+id >= ?6 AND +id < ?7");
  EXPECT_TRUE(filters[3].on_index.empty()) << "no index of succeeded jobs";
  EXPECT_EQ(filters[3].on_row, "+status = 'succeeded'");
  EXPECT_TRUE(filters[4].on_index.empty()) << "jobs_by_queue leaves the default queue out";
  EXPECT_EQ(filters[5].on_row, "+recorded_ms BETWEEN ?8 AND ?9");
}

TEST(JobPageFilters, PartialIndexesAreNamedByTheirConditionInTheText) {
  JobPageQuery query;
  query.queue = "critical";
  query.status = OutcomeStatus::kCancelled;
  const auto filters = job_page_filters(query, "queue", "batch", true);
  ASSERT_EQ(names(filters), (std::vector<std::string>{"status", "queue"}));
  EXPECT_EQ(filters[0].on_index, "status = 'cancelled'");
  EXPECT_EQ(filters[1].on_index, "queue = ?4 AND queue <> 'default'");
  EXPECT_EQ(filters[1].on_row, "+queue = ?4");
}

TEST(JobPageFilters, AnIdPrefixWithoutEndIsAnOpenRange) {
  JobPageQuery query;
  query.id_prefix = "\xff";
  const auto filters = job_page_filters(query, "queue", "batch", false);
  ASSERT_EQ(filters.size(), 1u);
  EXPECT_EQ(filters[0].on_index, "id >= ?6");
}

}  // namespace
}  // namespace zpipe
