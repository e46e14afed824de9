#include "ventilator/delayed_jobs.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TrackedJob due_at(const std::string& id, std::uint64_t due_ms) {
  TrackedJob t;
  t.job.id = id;
  t.due_ms = due_ms;
  return t;
}

std::vector<std::string> pop_all_due(DelayedJobs& jobs, std::uint64_t now_ms) {
  std::vector<std::string> ids;
  while (auto t = jobs.pop_due(now_ms)) ids.push_back(t->job.id);
  return ids;
}

TEST(DelayedJobs, GivesJobsBackSoonestFirstAndInTheOrderTheyCameWhenDueTogether) {
  DelayedJobs jobs;
  jobs.push(due_at("c", 300));
  jobs.push(due_at("a1", 100));
  jobs.push(due_at("b", 200));
  jobs.push(due_at("a2", 100));
  EXPECT_EQ(jobs.next_due_ms(), 100u);
  EXPECT_TRUE(pop_all_due(jobs, 99).empty()) << "none is due before its time";
  EXPECT_EQ(pop_all_due(jobs, 200), (std::vector<std::string>{"a1", "a2", "b"}));
  EXPECT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs.next_due_ms(), 300u);
}

TEST(DelayedJobs, TakesOutTheJobsPickedAndKeepsTheOthersInOrder) {
  DelayedJobs jobs;
  for (int i = 0; i < 50; ++i) {
    jobs.push(due_at("j" + std::to_string(i), static_cast<std::uint64_t>(1000 - i * 10)));
  }
  const auto taken = jobs.take_if([](const TrackedJob& t) { return t.job.id.ends_with('5'); });
  EXPECT_EQ(taken.size(), 5u);
  EXPECT_TRUE(jobs.take_if([](const TrackedJob&) { return false; }).empty());
  const auto rest = pop_all_due(jobs, 10'000);
  ASSERT_EQ(rest.size(), 45u);
  EXPECT_EQ(rest.front(), "j49");
  EXPECT_EQ(rest.back(), "j0");
  EXPECT_TRUE(jobs.empty());
  EXPECT_FALSE(jobs.next_due_ms().has_value());
}

}  // namespace
}  // namespace zpipe
