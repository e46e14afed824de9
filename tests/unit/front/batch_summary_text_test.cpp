#include "front/batch_summary_text.hpp"

#include <gtest/gtest.h>

#include "front/time_text.hpp"

namespace zpipe {
namespace {

// 2026-12-04T08:00:00Z: the moment "now" of these tests.
constexpr std::int64_t kNow = 1'796'371'200'000;

BatchSummary finished_batch() {
  BatchSummary b;
  b.id = "mx0qmj60-b1";
  b.description = "upload 7f3e: 3 sizes";
  b.created_ms = kNow - 5 * 60'000;
  b.finished_ms = kNow - 4 * 60'000;
  b.sealed = true;
  b.total = 3;
  b.succeeded = 2;
  b.dead = 1;
  b.on_complete_id = "mx0qmj60-b1.complete";
  b.dead_ids = {"mx0qmj60-7"};
  return b;
}

TEST(BatchSummaryText, ShowsStateProgressCountsTimesCallbacksAndDeadJobs) {
  JobStatus callback;
  callback.id = "mx0qmj60-b1.complete";
  callback.state = JobState::kSucceeded;
  callback.attempt = 1;
  callback.max_attempts = 3;
  EXPECT_EQ(batch_summary_text(finished_batch(), {callback}, kNow),
            "batch        mx0qmj60-b1\n"
            "description  upload 7f3e: 3 sizes\n"
            "state        complete\n"
            "progress     [##############################]  3/3 ended, 100%\n"
            "jobs         0 pending, 0 running, 2 succeeded, 1 dead, 0 cancelled\n"
            "created      " +
                local_time(kNow - 5 * 60'000) +
                " (5m ago)\n"
                "finished     " +
                local_time(kNow - 4 * 60'000) +
                " (4m ago)\n"
                "on_complete  mx0qmj60-b1.complete  succeeded (attempt 1 of 3)\n"
                "dead         mx0qmj60-7\n");
}

TEST(BatchSummaryText, AnOpenBatchSaysHowToSealItAndNoCallbacksYet) {
  BatchSummary b;
  b.id = "b-2";
  b.created_ms = kNow - 2'000;
  b.total = 4;
  b.pending = 2;
  b.running = 1;
  b.succeeded = 1;
  const auto text = batch_summary_text(b, {}, kNow);
  EXPECT_NE(text.find("state        open (jobs may still join; zpipe batch seal b-2 says they are "
                      "all in)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("progress     [#######.......................]  1/4 ended, 25%\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("description"), std::string::npos);
  EXPECT_EQ(text.find("finished"), std::string::npos);
  EXPECT_EQ(text.find("on_"), std::string::npos);
}

TEST(BatchSummaryText, ListsTheFirstDeadJobsAndHowManyMore) {
  auto b = finished_batch();
  b.dead = 25;
  b.dead_ids.clear();
  for (int i = 1; i <= 25; ++i) b.dead_ids.push_back("d-" + std::to_string(i));
  const auto text = batch_summary_text(b, {}, kNow);
  EXPECT_NE(text.find("dead         d-1, d-2, d-3, d-4, d-5, d-6, d-7, d-8, d-9, d-10 and 15 more "
                      "(--json lists 25)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("on_complete  mx0qmj60-b1.complete\n"), std::string::npos)
      << "a callback the ventilator was not asked about: its id alone";
}

}  // namespace
}  // namespace zpipe
