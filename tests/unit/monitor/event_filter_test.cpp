#include "monitor/event_filter.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

const Event kFailed{"job.failed", "worker host-a:12", 3, 0, {{"job", "j-1"}, {"type", "exec"}}};
const Event kHeartbeat{
    "worker.heartbeat", "worker host-b:13", 4, 0, {{"job", "j-2"}, {"job_type", "exec"}}};

// Shows everything, the periodic events included: what the criteria narrow down.
EventFilter verbose() {
  EventFilter f;
  f.verbose = true;
  return f;
}

TEST(EventFilter, EmptyMatchesEverythingButThePeriodicEvents) {
  EXPECT_TRUE(EventFilter{}.matches(kFailed));
  EXPECT_TRUE(EventFilter{}.matches(Event{"worker.up", "worker h:1", 1, 0, {}}));
  EXPECT_TRUE(EventFilter{}.matches(Event{"events.sampled", "ventilator h:1", 1, 0, {}}));
  for (const char* periodic : {"worker.heartbeat", "ventilator.state", "sink.state"}) {
    EXPECT_FALSE(EventFilter{}.matches(Event{periodic, "worker h:1", 1, 0, {}})) << periodic;
    EXPECT_TRUE(verbose().matches(Event{periodic, "worker h:1", 1, 0, {}})) << periodic;
  }
}

TEST(EventFilter, PeriodicEventsShowWhenATopicNamesThemOrTheStatusAsksForThem) {
  EventFilter f;
  f.topics = {"worker."};
  EXPECT_FALSE(f.matches(kHeartbeat)) << "a prefix alone does not ask for heartbeats";
  f.topics = {"worker.", "worker.heartbeat"};
  EXPECT_TRUE(f.matches(kHeartbeat));
  f = {};
  f.status = "heartbeat";
  EXPECT_TRUE(f.matches(kHeartbeat));
  f.status = "state";
  EXPECT_TRUE(f.matches(Event{"sink.state", "sink h:1", 1, 0, {}}));
}

TEST(EventFilter, EachCriterionNarrows) {
  auto f = verbose();
  f.status = "failed";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_FALSE(f.matches(kHeartbeat));
  f = verbose();
  f.topics = {"worker."};
  EXPECT_FALSE(f.matches(kFailed));
  EXPECT_TRUE(f.matches(kHeartbeat));
  f = verbose();
  f.type = "exec";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_TRUE(f.matches(kHeartbeat)) << "a heartbeat's running job type counts";
  f.type = "echo";
  EXPECT_FALSE(f.matches(kFailed));
  f = verbose();
  f.worker = "host-a";
  EXPECT_TRUE(f.matches(kFailed));
  EXPECT_FALSE(f.matches(kHeartbeat));
  f = verbose();
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

TEST(EventFilter, QueueMatchesTheJobEventsThatNameTheirQueueAbsentMeaningDefault) {
  const Event mail_started{
      "job.started", "worker vm:12", 1, 0, {{"job", "j-1"}, {"type", "email"}, {"queue", "mail"}}};
  const Event default_started{
      "job.started", "worker vm:12", 2, 0, {{"job", "j-2"}, {"type", "echo"}}};
  const Event mail_accepted{"job.accepted",
                            "ventilator vm:10",
                            1,
                            0,
                            {{"job", "j-1"}, {"type", "email"}, {"queue", "mail"}}};
  const Event worker_cancelled{
      "job.cancelled", "worker vm:12", 3, 0, {{"job", "j-3"}, {"type", "sleep"}}};
  // The ventilator's own job.cancelled (a job that had not started) does not say its queue.
  const Event ventilator_cancelled{
      "job.cancelled", "ventilator vm:10", 2, 0, {{"job", "j-4"}, {"by", "alice@web1"}}};
  const Event dead{"job.dead", "ventilator vm:10", 3, 0, {{"job", "j-5"}, {"attempt", "3"}}};
  const Event up{"worker.up", "worker vm:12", 4, 0, {{"slots", "1"}, {"queues", "mail"}}};
  const Event paused{"queue.paused", "ventilator vm:10", 4, 0, {{"queue", "mail"}}};

  EventFilter f;
  f.queue = "mail";
  EXPECT_TRUE(f.matches(mail_started));
  EXPECT_TRUE(f.matches(mail_accepted));
  EXPECT_FALSE(f.matches(default_started));
  EXPECT_FALSE(f.matches(worker_cancelled));
  EXPECT_FALSE(f.matches(ventilator_cancelled));
  EXPECT_FALSE(f.matches(up)) << "a worker that serves the queue is not a job of it";
  EXPECT_TRUE(f.matches(paused)) << "the queue itself paused";

  f.queue = "default";
  EXPECT_FALSE(f.matches(mail_started));
  EXPECT_TRUE(f.matches(default_started));
  EXPECT_TRUE(f.matches(worker_cancelled));
  EXPECT_FALSE(f.matches(ventilator_cancelled)) << "it may be of any queue";
  EXPECT_FALSE(f.matches(dead)) << "it may be of any queue";
  EXPECT_FALSE(f.matches(up));
  EXPECT_FALSE(f.matches(paused));
}

TEST(EventFilter, BatchMatchesItsJobsEventsAndItsOwn) {
  const Event started{"job.started",
                      "worker vm:12",
                      1,
                      0,
                      {{"job", "j-1"}, {"type", "resize"}, {"batch", "mx0qmj60-b1"}}};
  const Event other_batch{"job.succeeded",
                          "worker vm:12",
                          2,
                          0,
                          {{"job", "j-2"}, {"type", "resize"}, {"batch", "mx0qmj60-b2"}}};
  const Event no_batch{"job.failed", "worker vm:12", 3, 0, {{"job", "j-3"}, {"type", "resize"}}};
  const Event opened{"batch.opened",
                     "ventilator vm:10",
                     1,
                     0,
                     {{"batch", "mx0qmj60-b1"}, {"description", "upload 7f3e"}}};
  const Event sealed{"batch.sealed", "ventilator vm:10", 2, 0, {{"batch", "mx0qmj60-b1"}}};
  const Event other_sealed{"batch.sealed", "ventilator vm:10", 3, 0, {{"batch", "mx0qmj60-b2"}}};

  EventFilter f;
  f.batch = "mx0qmj60-b1";
  EXPECT_TRUE(f.matches(started));
  EXPECT_FALSE(f.matches(other_batch));
  EXPECT_FALSE(f.matches(no_batch));
  EXPECT_TRUE(f.matches(opened));
  EXPECT_TRUE(f.matches(sealed));
  EXPECT_FALSE(f.matches(other_sealed));
  EXPECT_FALSE(f.matches(Event{"worker.up", "worker vm:12", 4, 0, {}}));
  f.status = "started";
  EXPECT_TRUE(f.matches(started)) << "with the other criteria";
  EXPECT_FALSE(f.matches(sealed));
}

}  // namespace
}  // namespace zpipe
