#include "common/plural.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(CountNoun, OneIsSingularEveryOtherCountPlural) {
  EXPECT_EQ(count_noun(1, "image"), "1 image");
  EXPECT_EQ(count_noun(0, "image"), "0 images");
  EXPECT_EQ(count_noun(2, "slot"), "2 slots");
  EXPECT_EQ(count_noun(1'000'000, "job"), "1000000 jobs");
}

TEST(CountNoun, IrregularPluralsAreGiven) {
  EXPECT_EQ(count_noun(1, "entry", "entries"), "1 entry");
  EXPECT_EQ(count_noun(3, "entry", "entries"), "3 entries");
}

}  // namespace
}  // namespace zpipe
