#include "front/type_counts_table.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(TypeCountsTable, ShowsARowPerTypeAndTheOtherTypesLast) {
  EXPECT_EQ(
      type_counts_table({TypeCounts{"echo", 0, 1, 0, 5, 0}, TypeCounts{"fail", 2, 0, 1, 0, 3}},
                        std::nullopt),
      "TYPE   PENDING IN FLIGHT  RETRYING SUCCEEDED      DEAD\n"
      "echo         0         1         0         5         0\n"
      "fail         2         0         1         0         3\n");
  const auto with_others =
      type_counts_table({TypeCounts{"echo", 0, 0, 0, 1, 0}}, TypeCounts{"", 4, 0, 0, 7, 0});
  EXPECT_NE(with_others.find("\n(other types)         4         0         0         7         0\n"),
            std::string::npos)
      << with_others;
}

TEST(TypeCountsTable, IsEmptyWithoutJobsAndCutsLongTypes) {
  EXPECT_EQ(type_counts_table({}, std::nullopt), "");
  const auto table = type_counts_table(
      {TypeCounts{"a-type-name-far-longer-than-the-column-allows", 1, 0, 0, 0, 0}}, std::nullopt);
  EXPECT_NE(table.find("\na-type-name-far-longe...         1"), std::string::npos) << table;
}

}  // namespace
}  // namespace zpipe
