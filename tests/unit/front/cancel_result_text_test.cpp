#include "front/cancel_result_text.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(CancelResultText, SaysWhatBecameOfEachJob) {
  EXPECT_EQ(describe_cancel_result(CancelResult::kCancelled), "cancelled");
  EXPECT_EQ(describe_cancel_result(CancelResult::kCancelling),
            "cancelling (asked its worker to stop it)");
  EXPECT_EQ(describe_cancel_result(CancelResult::kOver), "already over");
  EXPECT_EQ(describe_cancel_result(CancelResult::kUnknown), "unknown");
}

}  // namespace
}  // namespace zpipe
