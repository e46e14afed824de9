#include "ventilator/worker_credits.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(WorkerCredits, CreditAddsUpAndAResetReplacesIt) {
  WorkerCredits credits;
  EXPECT_TRUE(credits.apply("a", Credit{3, false, "worker-a"}));
  EXPECT_FALSE(credits.apply("a", Credit{2, false, ""}));
  EXPECT_EQ(credits.credit_of("a"), 5u);
  EXPECT_EQ(credits.worker_name("a"), "worker-a") << "a credit without a name keeps the name";
  credits.take("a", 4);
  EXPECT_EQ(credits.credit_of("a"), 1u);
  credits.apply("a", Credit{6, true, "worker-a"});
  EXPECT_EQ(credits.credit_of("a"), 6u);
  credits.apply("a", Credit{0, true, "worker-a"});
  EXPECT_EQ(credits.total(), 0u);
  EXPECT_FALSE(credits.next()) << "nobody has credit";
}

TEST(WorkerCredits, WorkersWithCreditAreServedInTurn) {
  WorkerCredits credits;
  credits.apply("a", Credit{2, false, ""});
  credits.apply("b", Credit{2, false, ""});
  credits.apply("c", Credit{0, false, ""});
  EXPECT_EQ(credits.next(), "a");
  EXPECT_EQ(credits.next(), "b");
  EXPECT_EQ(credits.next(), "a") << "c has none";
  credits.take("a", 2);
  EXPECT_EQ(credits.next(), "b");
  EXPECT_EQ(credits.next(), "b");
  EXPECT_EQ(credits.total(), 2u);
}

TEST(WorkerCredits, AGoneWorkerTakesItsCreditWithIt) {
  WorkerCredits credits;
  credits.apply("a", Credit{3, false, ""});
  credits.apply("b", Credit{1, false, ""});
  credits.drop("a");
  EXPECT_EQ(credits.total(), 1u);
  EXPECT_EQ(credits.workers(), 1u);
  EXPECT_EQ(credits.next(), "b");
  credits.take("gone", 5);  // nothing happens
  EXPECT_EQ(credits.total(), 1u);
}

TEST(WorkerCredits, AHugeCreditIsCapped) {
  WorkerCredits credits;
  credits.apply("a", Credit{~std::uint64_t{0}, false, ""});
  credits.apply("a", Credit{~std::uint64_t{0}, false, ""});
  EXPECT_EQ(credits.credit_of("a"), WorkerCredits::kMaxCredit);
  EXPECT_EQ(credits.total(), WorkerCredits::kMaxCredit);
}

}  // namespace
}  // namespace zpipe
