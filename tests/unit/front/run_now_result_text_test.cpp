#include "front/run_now_result_text.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(RunNowResultText, SaysWhetherEachJobWasMadeDueAndWhyNot) {
  EXPECT_EQ(describe_run_now_result(RunNowResult::kDue),
            "due now: it runs as soon as a worker takes it");
  EXPECT_EQ(describe_run_now_result(RunNowResult::kPending),
            "not made due: it was due already, and waits for a worker");
  EXPECT_EQ(describe_run_now_result(RunNowResult::kRunning), "not made due: it is running");
  EXPECT_EQ(describe_run_now_result(RunNowResult::kOver),
            "not made due: it has ended (zpipe retry requeues a dead job)");
  EXPECT_EQ(describe_run_now_result(RunNowResult::kUnknown),
            "not made due: no such job in this pipeline");
}

}  // namespace
}  // namespace zpipe
