#include "common/type_stats.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

std::vector<std::uint64_t> one_to(std::uint64_t n) {
  std::vector<std::uint64_t> values;
  for (std::uint64_t v = 1; v <= n; ++v) values.push_back(v);
  return values;
}

TEST(TypeStatsTally, PercentilesAreByNearestRank) {
  const auto hundred = one_to(100);
  EXPECT_EQ(nearest_rank_percentile(hundred, 50), 50u);
  EXPECT_EQ(nearest_rank_percentile(hundred, 95), 95u);
  EXPECT_EQ(nearest_rank_percentile(hundred, 99), 99u);
  EXPECT_EQ(nearest_rank_percentile(hundred, 100), 100u);
  EXPECT_EQ(nearest_rank_percentile(hundred, 0), 1u);
  const auto ten = one_to(10);
  EXPECT_EQ(nearest_rank_percentile(ten, 50), 5u);
  EXPECT_EQ(nearest_rank_percentile(ten, 95), 10u);
  EXPECT_EQ(nearest_rank_percentile({7}, 50), 7u);
  EXPECT_EQ(nearest_rank_percentile({7}, 99), 7u);
}

TEST(TypeStatsTally, AddsUpJobsAndTheAttemptsThatRanInTheWindow) {
  TypeStatsTally tally;
  using Attempt = TypeStatsTally::Attempt;
  // b: failed once before the window, then succeeded in it.
  tally.add_job("b", OutcomeStatus::kSucceeded);
  tally.add_attempt("b", OutcomeStatus::kSucceeded,
                    {OutcomeStatus::kFailed, false, false, 900, 10, 5000});
  tally.add_attempt("b", OutcomeStatus::kSucceeded,
                    {OutcomeStatus::kSucceeded, true, true, 300, 20, 700});
  // a: one dead after two failed runs; one cancelled while it waited (its last attempt did not
  // run); one cancelled under a failed attempt.
  tally.add_job("a", OutcomeStatus::kFailed);
  tally.add_attempt("a", OutcomeStatus::kFailed, {OutcomeStatus::kFailed, false, true, 100, 0, 0});
  tally.add_attempt("a", OutcomeStatus::kFailed, {OutcomeStatus::kFailed, true, true, 200, 0, 0});
  tally.add_job("a", OutcomeStatus::kCancelled);
  tally.add_attempt("a", OutcomeStatus::kCancelled, Attempt{OutcomeStatus::kCancelled, true, true});
  tally.add_job("a", OutcomeStatus::kCancelled);
  tally.add_attempt("a", OutcomeStatus::kCancelled,
                    {OutcomeStatus::kFailed, true, true, 400, 40, 800});
  const auto types = tally.finish();
  ASSERT_EQ(types.size(), 2u);
  const auto& a = types[0];
  EXPECT_EQ(a.type, "a") << "by name";
  EXPECT_EQ(a.jobs, 3u);
  EXPECT_EQ(a.succeeded, 0u);
  EXPECT_EQ(a.dead, 1u);
  EXPECT_EQ(a.cancelled, 2u);
  EXPECT_EQ(a.attempts, 3u) << "a cancellation is not a run";
  EXPECT_EQ(a.failed_attempts, 3u);
  EXPECT_DOUBLE_EQ(a.failure_rate, 1.0);
  ASSERT_TRUE(a.run.has_value());
  EXPECT_EQ(a.run->p50_us, 200u) << "only the dead job's last attempt: cancelled jobs' are not";
  EXPECT_EQ(a.run->p99_us, 200u);
  EXPECT_EQ(a.cpu_us_mean, 40.0) << "of the attempts that measured it";
  EXPECT_EQ(a.max_rss_kb, 800u);
  const auto& b = types[1];
  EXPECT_EQ(b.jobs, 1u);
  EXPECT_EQ(b.succeeded, 1u);
  EXPECT_EQ(b.attempts, 1u) << "its first attempt ran before the window";
  EXPECT_EQ(b.failed_attempts, 0u);
  EXPECT_DOUBLE_EQ(b.failure_rate, 0.0);
  EXPECT_EQ(b.run->p50_us, 300u);
  EXPECT_EQ(b.cpu_us_mean, 20.0);
  EXPECT_EQ(b.max_rss_kb, 700u);
  EXPECT_TRUE(tally.finish().empty()) << "finish() empties the tally";
}

TEST(TypeStatsTally, WithoutRunsOrMeasuresThereAreNoFigures) {
  TypeStatsTally tally;
  tally.add_job("c", OutcomeStatus::kCancelled);
  tally.add_attempt("c", OutcomeStatus::kCancelled, {OutcomeStatus::kCancelled, true, true});
  tally.add_job("d", OutcomeStatus::kSucceeded);
  tally.add_attempt("d", OutcomeStatus::kSucceeded,
                    {OutcomeStatus::kSucceeded, true, true, 50, 0, 0});
  const auto types = tally.finish();
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(types[0].attempts, 0u);
  EXPECT_DOUBLE_EQ(types[0].failure_rate, 0.0);
  EXPECT_FALSE(types[0].run.has_value());
  EXPECT_FALSE(types[0].cpu_us_mean.has_value());
  EXPECT_TRUE(types[1].run.has_value());
  EXPECT_FALSE(types[1].cpu_us_mean.has_value()) << "not measured (no --isolate)";
  EXPECT_EQ(types[1].max_rss_kb, 0u);
}

}  // namespace
}  // namespace zpipe
