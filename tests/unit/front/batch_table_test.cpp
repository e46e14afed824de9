#include "front/batch_table.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

BatchSummary batch(std::string id, std::string description, bool sealed, std::uint64_t finished_ms,
                   std::uint64_t total, std::uint64_t succeeded, std::uint64_t dead,
                   std::uint64_t cancelled) {
  BatchSummary b;
  b.id = std::move(id);
  b.description = std::move(description);
  b.sealed = sealed;
  b.finished_ms = finished_ms;
  b.total = total;
  b.succeeded = succeeded;
  b.dead = dead;
  b.cancelled = cancelled;
  b.pending = total - succeeded - dead - cancelled;
  return b;
}

TEST(BatchTable, ShowsEachBatchsProgressCountsAndState) {
  const std::vector<BatchSummary> batches{
      batch("mx0qmj60-b3", "nightly export", false, 0, 120, 20, 0, 0),
      batch("mx0qmj60-b2", "", true, 0, 1'500, 1'200, 3, 1),
      batch("mx0qmj60-b1", "upload 7f3e: 3 sizes", true, 1'796'371'200'000, 3, 2, 1, 0)};
  EXPECT_EQ(
      batch_table(batches),
      "ID           DESCRIPTION            PROGRESS SUCCEEDED      DEAD CANCELLED  STATE\n"
      "mx0qmj60-b3  nightly export           20/120        20         0         0  open\n"
      "mx0qmj60-b2                        1204/1500      1200         3         1  running\n"
      "mx0qmj60-b1  upload 7f3e: 3 sizes        3/3         2         1         0  complete\n");
}

TEST(BatchTable, SaysSoWhenThereIsNoneAndCutsLongDescriptions) {
  EXPECT_EQ(batch_table({}), "no batches\n");
  const auto table =
      batch_table({batch("b-1", std::string(60, 'd') + "\nmore", true, 0, 0, 0, 0, 0)});
  EXPECT_NE(table.find("b-1  " + std::string(37, 'd') + "...        0/0"), std::string::npos)
      << table;
}

TEST(BatchTable, ABatchIsOpenUntilSealedAndCompleteOnceFinished) {
  EXPECT_EQ(batch_state(batch("b", "", false, 0, 2, 2, 0, 0)), "open")
      << "all its jobs ended, but more may join";
  EXPECT_EQ(batch_state(batch("b", "", true, 0, 2, 1, 0, 0)), "running");
  EXPECT_EQ(batch_state(batch("b", "", true, 5, 0, 0, 0, 0)), "complete");
}

}  // namespace
}  // namespace zpipe
