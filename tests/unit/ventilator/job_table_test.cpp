#include "ventilator/job_table.hpp"

#include <set>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

std::vector<JobSpec> specs(int n, const std::string& type = "echo") {
  return std::vector<JobSpec>(static_cast<std::size_t>(n), JobSpec{type, {}, 0, 0});
}

TEST(JobTable, GivesEveryJobAUniqueIdWithThePrefix) {
  JobTable table("run1");
  auto ids = table.accept(specs(500), {}, 10);
  auto more = table.accept(specs(500), {}, 11);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1000u);
  for (const auto& id : ids) EXPECT_EQ(id.rfind("run1-", 0), 0u) << id;
}

TEST(JobTable, FillsDefaultsOnlyWhereTheSpecHasNone) {
  JobTable table("p");
  JobDefaults defaults{5000, 4};
  table.accept({JobSpec{"echo", {}, 0, 0}, JobSpec{"echo", {}, 250, 2}}, defaults, 77);
  const auto first = table.dispatch_next();
  const auto second = table.dispatch_next();
  EXPECT_EQ(first->timeout_ms, 5000u);
  EXPECT_EQ(first->max_attempts, 4u);
  EXPECT_EQ(first->created_ms, 77u);
  EXPECT_EQ(first->attempt, 1u);
  EXPECT_EQ(second->timeout_ms, 250u);
  EXPECT_EQ(second->max_attempts, 2u);
}

TEST(JobTable, DispatchesInArrivalOrderAndCounts) {
  JobTable table("p");
  const auto ids = table.accept(specs(3), {}, 1);
  EXPECT_EQ(table.counts().pending, 3u);
  EXPECT_EQ(table.dispatch_next()->id, ids[0]);
  EXPECT_EQ(table.dispatch_next()->id, ids[1]);
  const auto c = table.counts();
  EXPECT_EQ(c.accepted, 3u);
  EXPECT_EQ(c.pending, 1u);
  EXPECT_EQ(c.in_flight, 2u);
}

TEST(JobTable, UndoPutsTheJobBackFirst) {
  JobTable table("p");
  const auto ids = table.accept(specs(2), {}, 1);
  auto job = table.dispatch_next();
  table.undo_dispatch(std::move(*job));
  EXPECT_EQ(table.counts().in_flight, 0u);
  EXPECT_EQ(table.dispatch_next()->id, ids[0]);
}

TEST(JobTable, RecordedOutcomesFinishJobsOnce) {
  JobTable table("p");
  const auto ids = table.accept(specs(2), {}, 1);
  (void)table.dispatch_next();
  (void)table.dispatch_next();
  EXPECT_TRUE(table.on_recorded(Ack{ids[0], OutcomeStatus::kSucceeded, false}));
  EXPECT_TRUE(table.on_recorded(Ack{ids[1], OutcomeStatus::kFailed, false}));
  EXPECT_FALSE(table.on_recorded(Ack{ids[1], OutcomeStatus::kFailed, true}));  // a repeat
  EXPECT_FALSE(table.on_recorded(Ack{"other-1", OutcomeStatus::kSucceeded, false}));
  const auto c = table.counts();
  EXPECT_EQ(c.succeeded, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.in_flight, 0u);
}

}  // namespace
}  // namespace zpipe
