#include "front/schedule_table.hpp"

#include <gtest/gtest.h>

#include "front/time_text.hpp"

namespace zpipe {
namespace {

constexpr std::int64_t kNow = 1'796'371'200'000;

TEST(ScheduleTable, ShowsWhenEachRunsNextAndWhatItsLastRunMade) {
  RecurringJob beat;
  beat.name = "beat";
  beat.every_ms = 30'000;
  beat.job.type = "echo";
  beat.next_run_ms = kNow + 12'000;
  beat.last_run_ms = kNow - 18'000;
  beat.last_job_id = "m1-42";
  RecurringJob nightly;
  nightly.name = "nightly-report";
  nightly.cron = "0 3 * * *";
  nightly.job.type = "exec";
  nightly.job.queue = "low";
  nightly.next_run_ms = kNow + 19 * 3'600'000;
  const auto beat_next = local_time(kNow + 12'000) + " (in 12s)";
  const auto nightly_next = local_time(kNow + 19 * 3'600'000) + " (in 19h)";
  const auto next_w = std::max(beat_next.size(), nightly_next.size());
  const auto pad = [](std::string text, std::size_t width) {
    text.append(width - text.size(), ' ');
    return text;
  };
  EXPECT_EQ(schedule_table({beat, nightly}, kNow),
            "NAME           WHEN           TYPE QUEUE   " + pad("NEXT RUN", next_w) +
                " LAST RUN  LAST JOB\n"
                "beat           every 30s      echo default " +
                pad(beat_next, next_w) +
                " 18s ago   m1-42\n"
                "nightly-report cron 0 3 * * * exec low     " +
                pad(nightly_next, next_w) + " -         -\n");
  EXPECT_EQ(schedule_when(beat), "every 30s");
  EXPECT_EQ(schedule_when(nightly), "cron 0 3 * * *");
}

TEST(ScheduleTable, SaysHowToAddOneWhenThereIsNone) {
  EXPECT_EQ(schedule_table({}, kNow), "no recurring jobs (zpipe schedule add ...)\n");
}

}  // namespace
}  // namespace zpipe
