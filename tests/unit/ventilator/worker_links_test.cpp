#include "ventilator/worker_links.hpp"

#include <map>
#include <ostream>

#include <gtest/gtest.h>

namespace zpipe {

// For failures: the summary's fields, not its bytes.
void PrintTo(const WorkerSummary& w, std::ostream* os) {
  *os << w.name << "|" << w.process << "|" << w.state << "|" << w.slots << "|" << w.held << "|"
      << w.sent << "|" << w.credit << "|" << w.heard_ms_ago << "|" << w.connected_ms_ago << "|"
      << w.heartbeat_ms;
}

namespace {

using namespace std::chrono_literals;
const WorkerLinks::Clock::time_point t0{};
const WorkerLinks::HeldBy holds_nothing = [](const std::string&) { return std::size_t{0}; };

TEST(WorkerLinks, CreditAddsUpAndAResetReplacesIt) {
  WorkerLinks links;
  EXPECT_TRUE(links.heard("a", t0)) << "first word from a";
  links.apply("a", Credit{3, false, "worker-a"});
  EXPECT_FALSE(links.heard("a", t0));
  links.apply("a", Credit{2, false, ""});
  EXPECT_EQ(links.credit_of("a"), 5u);
  EXPECT_EQ(links.name_of("a"), "worker-a") << "a credit without a name keeps the name";
  links.take("a", 4, t0);
  EXPECT_EQ(links.credit_of("a"), 1u);
  links.apply("a", Credit{6, true, "worker-a"});
  EXPECT_EQ(links.credit_of("a"), 6u);
  links.apply("a", Credit{0, true, "worker-a"});
  EXPECT_EQ(links.total_credit(), 0u);
  EXPECT_FALSE(links.next(holds_nothing)) << "nobody has credit";
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
  EXPECT_EQ(links.next(holds_nothing), "a");
  EXPECT_EQ(links.next(holds_nothing), "b");
  EXPECT_EQ(links.next(holds_nothing), "a") << "c has none";
  links.take("a", 2, t0);
  EXPECT_EQ(links.next(holds_nothing), "b");
  EXPECT_EQ(links.next(holds_nothing), "b");
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
  EXPECT_EQ(links.next(holds_nothing), "b");
  links.take("gone", 5, t0);  // nothing happens
  EXPECT_EQ(links.total_credit(), 1u);
  EXPECT_TRUE(links.heard("a", t0)) << "a worker forgotten is new when it speaks again";
  EXPECT_EQ(links.credit_of("a"), 0u) << "and holds no credit until it says its room";
}

TEST(WorkerLinks, AHugeCreditIsCappedToTheWorkersWindow) {
  WorkerLinks links;
  links.heard("a", t0);
  links.apply("a", Credit{~std::uint64_t{0}, false, ""});
  links.apply("a", Credit{~std::uint64_t{0}, false, ""});
  EXPECT_EQ(links.credit_of("a"), 1 + kMaxJobsAhead) << "a slot, said or not, and the jobs ahead";
  links.heard("b", t0);
  links.apply("b", Credit{1'000'000'000, true, "", 8});
  EXPECT_EQ(links.credit_of("b"), 8 + kMaxJobsAhead);
  links.heard("c", t0);
  links.apply("c", Credit{1'000'000'000, true, "", 1'000'000'000});
  EXPECT_EQ(links.credit_of("c"), kMaxSlots + kMaxJobsAhead) << "slots are capped too";
  EXPECT_EQ(links.total_credit(), 1 + 8 + kMaxSlots + 3 * kMaxJobsAhead);
}

// A worker counts the jobs it holds; the ventilator counts those too and those whose outcomes
// are on their way to the sink: it allows two windows held, so that it does not starve a worker
// that finishes jobs faster than the sink records them.
TEST(WorkerLinks, NothingIsSentToAWorkerHoldingTwoWindows) {
  WorkerLinks links;
  links.heard("a", t0);
  links.heard("b", t0);
  links.apply("a", Credit{5000, true, "", 4});
  links.apply("b", Credit{3, true, "", 4});
  const auto window = 4 + kMaxJobsAhead;
  EXPECT_EQ(links.sendable("a", 0), window);
  EXPECT_EQ(links.sendable("a", window), window);
  EXPECT_EQ(links.sendable("a", 2 * window - 10), 10u);
  EXPECT_EQ(links.sendable("a", 2 * window), 0u);
  EXPECT_EQ(links.sendable("a", 5 * window), 0u) << "more than it may hold (it shrank)";
  EXPECT_EQ(links.sendable("b", 0), 3u) << "a smaller credit is honoured as is";
  std::map<std::string, std::size_t> held{{"a", 2 * window}, {"b", 0}};
  const WorkerLinks::HeldBy held_by = [&](const std::string& id) { return held[id]; };
  EXPECT_EQ(links.next(held_by), "b");
  EXPECT_EQ(links.next(held_by), "b") << "a is skipped while it holds two windows";
  held["b"] = 2 * window;
  EXPECT_FALSE(links.next(held_by));
  held["a"] = 0;
  EXPECT_EQ(links.next(held_by), "a");
}

// A worker of 4 slots running 2 ms jobs keeps 10 waiting: what it holds beyond its 14 is
// outcomes on their way, 256 at most, not a thousand jobs to run again if it is killed.
TEST(WorkerLinks, AWorkerThatSaysASmallWindowHoldsItAndTheOutcomesOnTheirWay) {
  WorkerLinks links;
  links.heard("a", t0);
  Credit credit{14, true, "", 4};
  credit.window = 14;
  links.apply("a", credit);
  const auto most = 14 + kOutcomesOnTheirWay;
  EXPECT_EQ(links.sendable("a", 0), 14u) << "its credit, as ever";
  EXPECT_EQ(links.sendable("a", most - 5), 5u);
  EXPECT_EQ(links.sendable("a", most), 0u);
  // Faster jobs: it says a window of 600 (and asks for it): two windows again.
  credit.credit = 600;
  credit.window = 600;
  links.apply("a", credit);
  EXPECT_EQ(links.sendable("a", 1'195), 5u);
  // A window said larger than the one its slots allow counts as that one.
  credit.window = 100'000;
  links.apply("a", credit);
  EXPECT_EQ(links.sendable("a", 2 * (4 + kMaxJobsAhead) - 1), 1u);
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
    for (auto& s : links.take_silent(now, holds_nothing)) lost.push_back(s);
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
  EXPECT_FALSE(links.next(holds_nothing)) << "and it gets nothing more";
  EXPECT_EQ(links.identities(), std::vector<std::string>{"quiet"});
  EXPECT_TRUE(links.take_silent(t0 + 3200ms, holds_nothing).empty()) << "each reported once";
}

TEST(WorkerLinks, AStallOfItsOwnIsNotTakenForSilentWorkers) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{100, false, ""});
  EXPECT_TRUE(links.take_silent(t0 + 100ms, holds_nothing).empty());
  // This process stood still for 5 s (SIGSTOP, swap): a's heartbeats wait unread in its queue.
  EXPECT_TRUE(links.take_silent(t0 + 5100ms, holds_nothing).empty());
  EXPECT_TRUE(links.take_silent(t0 + 5200ms, holds_nothing).empty());
  EXPECT_EQ(links.take_silent(t0 + 5500ms, holds_nothing).size(), 1u)
      << "then silence counts again";
}

// Found by the fuzzer of the roster this replaces: three times an enormous interval overflowed.
TEST(WorkerLinks, AHugeHeartbeatIntervalIsTakenAsAnHour) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{~std::uint64_t{0}, false, ""});
  for (auto now = t0; now < t0 + 3h; now += 500ms) {
    ASSERT_TRUE(links.take_silent(now, holds_nothing).empty());
  }
  EXPECT_EQ(links.take_silent(t0 + 3h + 1ms, holds_nothing).size(), 1u);
}

// A peer that says `ready` and then nothing (it never reads its jobs) gives them back after
// 3 x kUnpromisedInterval, counted from the last jobs sent to it.
TEST(WorkerLinks, AWorkerThatPromisedNoHeartbeatIsLostWhenSilentWhileHoldingJobs) {
  WorkerLinks links;
  std::size_t held = 0;
  const WorkerLinks::HeldBy held_by = [&](const std::string&) { return held; };
  links.heard("greedy", t0);
  links.apply("greedy", Credit{1'000'000'000, true, ""});
  const auto limit = WorkerLinks::kMissedHeartbeats * WorkerLinks::kUnpromisedInterval;
  // Idle, it owes no word: it waits for work as long as it likes.
  for (auto now = t0; now <= t0 + 2 * limit; now += 100ms) {
    ASSERT_TRUE(links.take_silent(now, held_by).empty());
  }
  const auto sent = t0 + 2 * limit;
  links.take("greedy", 1001, sent);
  held = 1001;
  for (auto now = sent; now <= sent + limit; now += 100ms) {
    ASSERT_TRUE(links.take_silent(now, held_by).empty()) << "the clock starts at the send";
  }
  const auto lost = links.take_silent(sent + limit + 100ms, held_by);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].identity, "greedy");
  EXPECT_EQ(links.total_credit(), 0u);
}

TEST(WorkerLinks, ListsEachWorkerWithWhatItHoldsAndWhenItWasHeard) {
  WorkerLinks links;
  links.heard("b", t0);
  links.apply("b", Credit{6, true, "vm:20", 2});
  links.on_heartbeat("b", Heartbeat{1000, false, "vm:20"});
  links.heard("a", t0 + 1s);
  links.apply("a", Credit{5, true, "thumbs", 4});
  links.on_heartbeat("a", Heartbeat{1000, false, "thumbs", "", "vm:10"});
  links.take("a", 3, t0 + 1s);
  links.heard("a", t0 + 2s);
  links.heard("b", t0 + 2s);
  const std::map<std::string, std::size_t> held{{"a", 3}};
  const WorkerLinks::HeldBy held_by = [&held](const std::string& id) {
    const auto it = held.find(id);
    return it == held.end() ? std::size_t{0} : it->second;
  };
  const auto all = links.summaries(t0 + 2500ms, held_by);
  ASSERT_EQ(all.size(), 2u);
  // By name.
  EXPECT_EQ(all[0], (WorkerSummary{"thumbs", "vm:10", "busy", 4, 3, 3, 2, 500, 1500, 1000}));
  EXPECT_EQ(all[1], (WorkerSummary{"vm:20", "", "idle", 2, 0, 0, 6, 500, 2500, 1000}));
}

TEST(WorkerLinks, AWorkerIsPausedOrDrainingAsItsHeartbeatSays) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{1000, false, "w", "paused"});
  EXPECT_EQ(links.summaries(t0, holds_nothing).at(0).state, "paused");
  links.on_heartbeat("a", Heartbeat{1000, false, "w", "draining"});
  EXPECT_EQ(links.summaries(t0, holds_nothing).at(0).state, "draining");
  links.on_heartbeat("a", Heartbeat{1000, false, "w"});
  EXPECT_EQ(links.summaries(t0, holds_nothing).at(0).state, "idle") << "resumed";
}

TEST(WorkerLinks, AWorkerThatMissedTwoHeartbeatsIsSilentUntilLost) {
  WorkerLinks links;
  links.heard("a", t0);
  links.on_heartbeat("a", Heartbeat{1000, false, "w", "paused"});
  EXPECT_EQ(links.summaries(t0 + 2s, holds_nothing).at(0).state, "paused");
  const auto silent = links.summaries(t0 + 2100ms, holds_nothing).at(0);
  EXPECT_EQ(silent.state, "silent") << "whatever it said last";
  EXPECT_EQ(silent.heard_ms_ago, 2100u);
  EXPECT_EQ(links.take_silent(t0 + 2100ms, holds_nothing).size(), 0u) << "not lost yet";
  // One that promised no heartbeats is silent only while it holds jobs.
  links.heard("b", t0);
  links.apply("b", Credit{1, true, "x", 1});
  const WorkerLinks::HeldBy b_holds_one = [](const std::string& id) {
    return std::size_t{id == "b" ? 1u : 0u};
  };
  EXPECT_EQ(links.summaries(t0 + 11s, holds_nothing).at(1).state, "idle");
  EXPECT_EQ(links.summaries(t0 + 11s, b_holds_one).at(1).state, "silent");
}

// A worker that says it takes orders, with its name and process.
void heartbeat_of(WorkerLinks& links, const std::string& identity, const std::string& name,
                  const std::string& process, bool takes_control = true) {
  links.heard(identity, t0);
  Heartbeat heartbeat{1000, false, name, "", process};
  heartbeat.takes_control = takes_control;
  links.on_heartbeat(identity, heartbeat);
}

TEST(WorkerLinks, AnOrderGoesToTheOneWorkerOfThatNameOrProcess) {
  WorkerLinks links;
  heartbeat_of(links, "a", "thumbs-1", "vm1:4410");
  heartbeat_of(links, "b", "vm2:77", "");
  const auto by_name = links.control_target("thumbs-1");
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name.value().identity, "a");
  EXPECT_EQ(by_name.value().name, "thumbs-1");
  EXPECT_EQ(by_name.value().process, "vm1:4410");
  const auto by_process = links.control_target("vm1:4410");
  ASSERT_TRUE(by_process.ok());
  EXPECT_EQ(by_process.value().identity, "a");
  const auto unnamed = links.control_target("vm2:77");
  ASSERT_TRUE(unnamed.ok()) << "a worker without --name is named by its host:pid";
  EXPECT_EQ(unnamed.value().identity, "b");
}

TEST(WorkerLinks, AnOrderNamingNoWorkerOrSeveralIsRefusedSayingWhich) {
  WorkerLinks links;
  heartbeat_of(links, "a", "thumbs", "vm1:4410");
  heartbeat_of(links, "b", "thumbs", "vm2:4410");
  const auto none = links.control_target("thumb");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("no worker named thumb "), std::string::npos)
      << none.error().message;
  const auto two = links.control_target("thumbs");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, ErrorCode::kAmbiguous);
  EXPECT_NE(two.error().message.find(
                "2 workers are named thumbs: thumbs (vm1:4410), thumbs (vm2:4410); name one by its "
                "process"),
            std::string::npos)
      << two.error().message;
  const auto one = links.control_target("vm2:4410");
  ASSERT_TRUE(one.ok()) << "its process tells it apart";
  EXPECT_EQ(one.value().identity, "b");
  links.drop("a");
  EXPECT_TRUE(links.control_target("thumbs").ok()) << "one left of that name";
}

TEST(WorkerLinks, AnOrderToAWorkerThatTakesNoneIsRefused) {
  WorkerLinks links;
  heartbeat_of(links, "a", "old-1", "vm:1", false);
  const auto old = links.control_target("old-1");
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(old.error().message.find("worker old-1 (vm:1) does not take orders from afar"),
            std::string::npos)
      << old.error().message;
  // Its next heartbeat may say otherwise (a worker heard before its first heartbeat).
  heartbeat_of(links, "a", "old-1", "vm:1", true);
  EXPECT_TRUE(links.control_target("old-1").ok());
}

}  // namespace
}  // namespace zpipe
