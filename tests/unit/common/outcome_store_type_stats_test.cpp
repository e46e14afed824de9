// OutcomeStore::type_stats(): per-type figures of the jobs recorded since a time.
#include <gtest/gtest.h>

#include "common/outcome_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

constexpr std::uint64_t kSince = 100'000;

Outcome attempt_of(const std::string& id, const std::string& type, std::uint32_t attempt,
                   std::uint32_t max_attempts, OutcomeStatus status, std::uint64_t run_us) {
  Outcome o;
  o.id = id;
  o.type = type;
  o.attempt = attempt;
  o.max_attempts = max_attempts;
  o.status = status;
  if (status != OutcomeStatus::kSucceeded) o.error_code = "handler_error";
  o.worker = "host:1";
  o.run_us = run_us;
  return o;
}

class OutcomeStoreTypeStatsTest : public ::testing::Test {
 protected:
  void record(const Outcome& outcome, std::uint64_t at_ms) {
    ASSERT_TRUE(store_.record({outcome}, at_ms).ok()) << outcome.id;
  }

  // 100 thumbnails of 1..100 ms (recorded in a shuffled order) since kSince, one of 1000 s
  // before; and three jobs of type fail: one dead after three failed attempts (the first before
  // kSince), one that succeeded at its second, one cancelled.
  void record_known_set() {
    record(attempt_of("t-old", "thumbnail", 1, 1, OutcomeStatus::kSucceeded, 1'000'000'000), 5'000);
    record(attempt_of("f-1", "fail", 1, 3, OutcomeStatus::kFailed, 1000), 90'000);
    for (std::uint64_t i = 0; i < 100; ++i) {
      const auto ms = (i * 37) % 100 + 1;
      auto o = attempt_of("t-" + std::to_string(ms), "thumbnail", 1, 1, OutcomeStatus::kSucceeded,
                          ms * 1000);
      o.cpu_us = ms % 2 == 0 ? 2000 : 0;  // half measured
      o.max_rss_kb = 1000 + ms;
      record(o, kSince + i);
    }
    record(attempt_of("f-1", "fail", 2, 3, OutcomeStatus::kFailed, 3000), 100'500);
    record(attempt_of("f-1", "fail", 3, 3, OutcomeStatus::kFailed, 7000), 100'600);
    record(attempt_of("f-2", "fail", 1, 2, OutcomeStatus::kFailed, 4000), 100'700);
    record(attempt_of("f-2", "fail", 2, 2, OutcomeStatus::kSucceeded, 5000), 100'800);
    record(attempt_of("f-3", "fail", 1, 3, OutcomeStatus::kCancelled, 0), 100'900);
  }

  test::TempDir dir_;
  OutcomeStore store_{dir_.path() / "outcomes.db", OutcomeStore::Access::kReadWrite};
};

TEST_F(OutcomeStoreTypeStatsTest, FiguresOfAKnownSet) {
  record_known_set();
  const auto report = store_.type_stats(kSince);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report.value().sampled);
  EXPECT_EQ(report.value().jobs_read, 103u);
  EXPECT_EQ(report.value().read_since_ms, kSince);
  const auto& types = report.value().types;
  ASSERT_EQ(types.size(), 2u);

  const auto& fail = types[0];
  EXPECT_EQ(fail.type, "fail");
  EXPECT_EQ(fail.jobs, 3u);
  EXPECT_EQ(fail.succeeded, 1u);
  EXPECT_EQ(fail.dead, 1u);
  EXPECT_EQ(fail.cancelled, 1u);
  EXPECT_EQ(fail.attempts, 4u) << "f-1's first ran before the window; f-3's never ran";
  EXPECT_EQ(fail.failed_attempts, 3u);
  EXPECT_DOUBLE_EQ(fail.failure_rate, 0.75);
  ASSERT_TRUE(fail.run.has_value());
  EXPECT_EQ(fail.run->p50_us, 5000u) << "f-2's last attempt; f-1's last is 7000";
  EXPECT_EQ(fail.run->p95_us, 7000u);
  EXPECT_EQ(fail.run->p99_us, 7000u);
  EXPECT_FALSE(fail.cpu_us_mean.has_value());
  EXPECT_EQ(fail.max_rss_kb, 0u);

  const auto& thumbnail = types[1];
  EXPECT_EQ(thumbnail.type, "thumbnail");
  EXPECT_EQ(thumbnail.jobs, 100u) << "not the one recorded before";
  EXPECT_EQ(thumbnail.succeeded, 100u);
  EXPECT_EQ(thumbnail.attempts, 100u);
  EXPECT_EQ(thumbnail.failed_attempts, 0u);
  ASSERT_TRUE(thumbnail.run.has_value());
  EXPECT_EQ(thumbnail.run->p50_us, 50'000u);
  EXPECT_EQ(thumbnail.run->p95_us, 95'000u);
  EXPECT_EQ(thumbnail.run->p99_us, 99'000u);
  EXPECT_EQ(thumbnail.cpu_us_mean, 2000.0) << "over the 50 attempts that measured it";
  EXPECT_EQ(thumbnail.max_rss_kb, 1100u);
}

TEST_F(OutcomeStoreTypeStatsTest, ReadsOnlyTheNewestJobsOfALargerWindowAndSaysSo) {
  record_known_set();
  const auto report = store_.type_stats(kSince, 10);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report.value().sampled);
  EXPECT_EQ(report.value().jobs_read, 10u);
  // The three fail jobs, then the 7 newest thumbnails (recorded at kSince + 93..99).
  EXPECT_EQ(report.value().read_since_ms, kSince + 93);
  ASSERT_EQ(report.value().types.size(), 2u);
  EXPECT_EQ(report.value().types[0].jobs, 3u);
  EXPECT_EQ(report.value().types[1].jobs, 7u);
  const auto exact = store_.type_stats(kSince, 103);
  EXPECT_FALSE(exact.value().sampled) << "a window of exactly as many as are read";
}

TEST_F(OutcomeStoreTypeStatsTest, AWindowWithoutJobsHasNoTypes) {
  const auto empty = store_.type_stats(0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().types.empty());
  record_known_set();
  const auto later = store_.type_stats(200'000);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later.value().types.empty());
  EXPECT_EQ(later.value().jobs_read, 0u);
  EXPECT_FALSE(later.value().sampled);
  const auto all = store_.type_stats(0);
  EXPECT_EQ(all.value().types[1].jobs, 101u);
  EXPECT_EQ(all.value().types[1].run->p50_us, 51'000u) << "the old one is in this window";
  EXPECT_EQ(all.value().types[0].attempts, 5u);
}

}  // namespace
}  // namespace zpipe
