#include "common/job_end_status.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(JobEndStatus, NamesADeadJobDead) {
  EXPECT_EQ(job_end_status_name(OutcomeStatus::kSucceeded), "succeeded");
  EXPECT_EQ(job_end_status_name(OutcomeStatus::kFailed), "dead");
  EXPECT_EQ(job_end_status_name(OutcomeStatus::kCancelled), "cancelled");
}

TEST(JobEndStatus, ReadsEachNameAndFailedForDead) {
  for (const auto status :
       {OutcomeStatus::kSucceeded, OutcomeStatus::kFailed, OutcomeStatus::kCancelled}) {
    EXPECT_EQ(job_end_status_from(job_end_status_name(status)), status);
  }
  EXPECT_EQ(job_end_status_from("failed"), OutcomeStatus::kFailed) << "as the store spells it";
  for (const char* other : {"", "Dead", "running", "pending", "succeeded "}) {
    EXPECT_FALSE(job_end_status_from(other).has_value()) << other;
  }
}

}  // namespace
}  // namespace zpipe
