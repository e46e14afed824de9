#include "monitor/event_filter.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

const Event kFailed{"job.failed", "worker host-a:12", 3, 0, {{"job", "j-1"}, {"type", "exec"}}};
const Event kHeartbeat{
    "worker.heartbeat", "worker host-b:13", 4, 0, {{"job", "j-2"}, {"job_type", "exec"}}};

TEST(EventFilter, EmptyMatchesEverything) {
  EXPECT_TRUE(EventFilter{}.matches(kFailed));
  EXPECT_TRUE(EventFilter{}.matches(kHeartbeat));
}

TEST(EventFilter, EachCriterionNarrows) {
  EventFilter f;
  f.status = "failed";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_FALSE(f.matches(kHeartbeat));
  f = {};
  f.topics = {"worker."};
  EXPECT_FALSE(f.matches(kFailed));
  EXPECT_TRUE(f.matches(kHeartbeat));
  f = {};
  f.type = "exec";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_TRUE(f.matches(kHeartbeat)) << "a heartbeat's running job type counts";
  f.type = "echo";
  EXPECT_FALSE(f.matches(kFailed));
  f = {};
  f.worker = "host-a";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_FALSE(f.matches(kHeartbeat));
  f = {};
  f.job = "j-2";
  EXPECT_FALSE(f.matches(kFailed));
  EXPECT_TRUE(f.matches(kHeartbeat));
}

TEST(EventFilter, WorkerMatchesWorkersNotOtherComponentsOnTheSameHost) {
  EventFilter f;
  f.worker = "vm";
  EXPECT_TRUE(f.matches(Event{"worker.up", "worker vm:12", 1, 0, {}}));
  EXPECT_FALSE(f.matches(Event{"ventilator.state", "ventilator vm:10", 1, 0, {}}));
  EXPECT_TRUE(f.matches(Event{"job.duplicate", "sink vm:11", 1, 0, {{"worker", "vm:12"}}}));
}

TEST(EventFilter, AllCriteriaMustMatch) {
  EventFilter f;
  f.status = "failed";
  f.worker = "host-b";
  EXPECT_FALSE(f.matches(kFailed));
}

}  // namespace
}  // namespace zpipe
