#include "front/job_state_text.hpp"

#include <gtest/gtest.h>

#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::int64_t kNow = 1'796'371'200'000;

JobStatus held(JobState state, const std::string& queue) {
  JobStatus job;
  job.id = "m1-7";
  job.state = state;
  job.attempt = 2;
  job.max_attempts = 3;
  job.queue = queue;
  job.worker = "vm:4327";
  job.due_ms = static_cast<std::uint64_t>(kNow + 90'000);
  return job;
}

TEST(JobStateText, NamesTheQueueOfAHeldJobWhenItIsNotTheDefault) {
  EXPECT_EQ(describe_job_state(held(JobState::kPending, "mail"), kNow),
            "waits for a worker in queue mail (attempt 2 of 3)");
  EXPECT_EQ(describe_job_state(held(JobState::kRunning, "mail"), kNow),
            "at vm:4327, running or next in line there (attempt 2 of 3, queue mail)");
  EXPECT_EQ(describe_job_state(held(JobState::kRetrying, "mail"), kNow),
            "waits to be retried in queue mail at " + local_time(kNow + 90'000) +
                " (in 1m), attempt 2 of 3");
  EXPECT_EQ(describe_job_state(held(JobState::kScheduled, "mail"), kNow),
            "scheduled in queue mail for " + local_time(kNow + 90'000) + " (in 1m)");
}

TEST(JobStateText, SaysNothingOfTheDefaultQueue) {
  EXPECT_EQ(describe_job_state(held(JobState::kPending, "default"), kNow),
            "waits for a worker (attempt 2 of 3)");
  EXPECT_EQ(describe_job_state(held(JobState::kRunning, ""), kNow),
            "at vm:4327, running or next in line there (attempt 2 of 3)");
  EXPECT_EQ(describe_job_state(held(JobState::kScheduled, "default"), kNow),
            "scheduled for " + local_time(kNow + 90'000) + " (in 1m)");
}

}  // namespace
}  // namespace zpipe
