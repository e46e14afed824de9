#include "ventilator/worker_links.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

using namespace std::chrono_literals;
const WorkerLinks::Clock::time_point t0{};

TEST(WorkerLinks, CreditAddsUpAndAResetReplacesIt) {
  WorkerLinks links;
  EXPECT_TRUE(links.heard("a", t0)) << "first word from a";
  links.apply("a", Credit{3, false, "worker-a"});
  EXPECT_FALSE(links.heard("a", t0));
  links.apply("a", Credit{2, false, ""});
  EXPECT_EQ(links.credit_of("a"), 5u);
  EXPECT_EQ(links.name_of("a"), "worker-a") << "a credit without a name keeps the name";
  links.take("a", 4);
  EXPECT_EQ(links.credit_of("a"), 1u);
  links.apply("a", Credit{6, true, "worker-a"});
  EXPECT_EQ(links.credit_of("a"), 6u);
  links.apply("a", Credit{0, true, "worker-a"});
  EXPECT_EQ(links.total_credit(), 0u);
  EXPECT_FALSE(links.next()) << "nobody has credit";
}

TEST(WorkerLinks, CreditFromAWorkerNotHeardIsIgnored) {
  WorkerLinks links;
  links.apply("a", Credit{3, true, ""});
  EXPECT_EQ(links.total_credit(), 0u);
  EXPECT_EQ(links.size(), 0u);
}

TEST(WorkerLinks, WorkersWithCreditAreServedInTurn) {
  WorkerLinks links;
  for (const char* id : {"a", "b", "c"}) links.heard(id, t0);
  links.apply("a", Credit{2, false, ""});
  links.apply("b", Credit{2, false, ""});
  links.apply("c", Credit{0, false, ""});
  EXPECT_EQ(links.next(), "a");
  EXPECT_EQ(links.next(), "b");
  EXPECT_EQ(links.next(), "a") << "c has none";
  links.take("a", 2);
  EXPECT_EQ(links.next(), "b");
  EXPECT_EQ(links.next(), "b");
  EXPECT_EQ(links.total_credit(), 2u);
}

TEST(WorkerLinks, AGoneWorkerTakesItsCreditWithIt) {
  WorkerLinks links;
  links.heard("a", t0);
  links.heard("b", t0);
  links.apply("a", Credit{3, false, ""});
  links.apply("b", Credit{1, false, ""});
  links.drop("a");
  EXPECT_EQ(links.total_credit(), 1u);
  EXPECT_EQ(links.size(), 1u);
  EXPECT_EQ(links.next(), "b");
  links.take("gone", 5);  // nothing happens
  EXPECT_EQ(links.total_credit(), 1u);
  EXPECT_TRUE(links.heard("a", t0)) << "a worker forgotten is new when it speaks again";
  EXPECT_EQ(links.credit_of("a"), 0u) << "and holds no credit until it says its room";
}

TEST(WorkerLinks, AHugeCreditIsCapped) {
  WorkerLinks links;
  links.heard("a", t0);
  links.apply("a", Credit{~std::uint64_t{0}, false, ""});
  links.apply("a", Credit{~std::uint64_t{0}, false, ""});
  EXPECT_EQ(links.credit_of("a"), WorkerLinks::kMaxCredit);
  EXPECT_EQ(links.total_credit(), WorkerLinks::kMaxCredit);
}

TEST(WorkerLinks, AWorkerSilentForThreeOfItsIntervalsIsLostOnceWithItsCredit) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{1000, false, "worker-a"});
  links.apply("a", Credit{4, true, ""});
  links.heard("b", t0);
  links.on_heartbeat("b", Heartbeat{200, false, "worker-b"});
  links.heard("quiet", t0);  // promised nothing: lost only when its connection closes
  // Checked every 100 ms, as the ventilator does.
  std::vector<SilentWorker> lost;
  for (auto now = t0; now <= t0 + 3100ms; now += 100ms) {
    if (now == t0 + 300ms) links.heard("b", now);  // b speaks once more
    for (auto& s : links.take_silent(now)) lost.push_back(s);
    if (now == t0 + 3000ms) {
      ASSERT_EQ(lost.size(), 1u) << "b, 3 x 200 ms after its last word";
      EXPECT_EQ(lost[0].name, "worker-b");
      EXPECT_EQ(lost[0].silent, 700ms);
    }
  }
  ASSERT_EQ(lost.size(), 2u);
  EXPECT_EQ(lost[1].identity, "a");
  EXPECT_EQ(lost[1].silent, 3100ms);
  EXPECT_EQ(links.total_credit(), 0u) << "a lost worker's credit is void";
  EXPECT_FALSE(links.next()) << "and it gets nothing more";
  EXPECT_EQ(links.identities(), std::vector<std::string>{"quiet"});
  EXPECT_TRUE(links.take_silent(t0 + 3200ms).empty()) << "each reported once";
}

TEST(WorkerLinks, AStallOfItsOwnIsNotTakenForSilentWorkers) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{100, false, ""});
  EXPECT_TRUE(links.take_silent(t0 + 100ms).empty());
  // This process stood still for 5 s (SIGSTOP, swap): a's heartbeats wait unread in its queue.
  EXPECT_TRUE(links.take_silent(t0 + 5100ms).empty());
  EXPECT_TRUE(links.take_silent(t0 + 5200ms).empty());
  EXPECT_EQ(links.take_silent(t0 + 5500ms).size(), 1u) << "then silence counts again";
}

// Found by the fuzzer of the roster this replaces: three times an enormous interval overflowed.
TEST(WorkerLinks, AHugeHeartbeatIntervalIsTakenAsADay) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{~std::uint64_t{0}, false, ""});
  for (auto now = t0; now < t0 + 72h; now += 500ms) {
    ASSERT_TRUE(links.take_silent(now).empty());
  }
  EXPECT_EQ(links.take_silent(t0 + 72h + 1ms).size(), 1u);
}

}  // namespace
}  // namespace zpipe
