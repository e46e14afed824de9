#include "front/scheduled_table.hpp"

#include <gtest/gtest.h>

#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::int64_t kNow = 1'796'371'200'000;

TEST(ScheduledTable, ShowsEachJobDueTimeAndRetriesThenTheTotal) {
  ScheduledReply reply;
  reply.jobs = {ScheduledJob{"m1-1", "echo", "default", kNow + 90'000, 1},
                ScheduledJob{"m1-22", "thumbnail", "images", kNow + 5 * 60'000, 3}};
  reply.total = 2;
  EXPECT_EQ(scheduled_table(reply, kNow),
            "ID    TYPE      QUEUE   DUE\n"
            "m1-1  echo      default " +
                local_time(kNow + 90'000) +
                " (in 1m)\n"
                "m1-22 thumbnail images  " +
                local_time(kNow + 5 * 60'000) +
                " (in 5m)  retry, attempt 3\n"
                "2 jobs wait for their time\n");
}

TEST(ScheduledTable, SaysHowManyMoreWaitThanItLists) {
  ScheduledReply reply;
  reply.jobs = {ScheduledJob{"m1-1", "echo", "default", kNow + 1'000, 1}};
  reply.total = 5230;
  const auto table = scheduled_table(reply, kNow);
  EXPECT_NE(
      table.find("\nshowing 1 of 5230 jobs that wait for their time (--limit N shows more)\n"),
      std::string::npos)
      << table;
  EXPECT_EQ(scheduled_table(ScheduledReply{}, kNow), "no job waits for its time\n");
  reply.total = 1;
  EXPECT_NE(scheduled_table(reply, kNow).find("\n1 job waits for its time\n"), std::string::npos);
}

}  // namespace
}  // namespace zpipe
