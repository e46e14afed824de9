#include "front/queue_table.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(QueueTable, ShowsEachQueueWithItsLatencyAndWhetherPausedThenTheLimits) {
  QueuesReply reply;
  reply.queues = {QueueSummary{"critical", 0, 2, 0, 0, false},
                  QueueSummary{"default", 12, 4, 3, 3'240, false},
                  QueueSummary{"mail", 250, 0, 1, 4 * 60'000 + 5'000, true}};
  reply.limits = {LimitSummary{"smtp=10/s", 1, 249},
                  LimitSummary{"queue:mail=concurrency:2", 0, 250}};
  EXPECT_EQ(queue_table(reply),
            "QUEUE      PENDING   RUNNING SCHEDULED  LATENCY  PAUSED\n"
            "critical         0         2         0        -\n"
            "default         12         4         3     3.2s\n"
            "mail           250         0         1       4m  paused\n"
            "\n"
            "LIMIT                      RUNNING   WAITING\n"
            "smtp=10/s                        1       249\n"
            "queue:mail=concurrency:2         0       250\n");
}

TEST(QueueTable, SaysSoWhenThereIsNoQueueAndCutsLongNames) {
  EXPECT_EQ(queue_table(QueuesReply{}), "no queues yet\n");
  QueuesReply reply;
  reply.queues = {QueueSummary{std::string(60, 'q'), 1, 0, 0, 500, false}};
  const auto table = queue_table(reply);
  EXPECT_NE(table.find(std::string(37, 'q') + "...         1"), std::string::npos) << table;
}

}  // namespace
}  // namespace zpipe
