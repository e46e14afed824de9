#include "common/short_age.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(ShortAge, UsesTheLargestUnit) {
  EXPECT_EQ(short_age(0), "0.0s");
  EXPECT_EQ(short_age(9'949), "9.9s");
  EXPECT_EQ(short_age(75'000), "75s");
  EXPECT_EQ(short_age(3'600'000), "60m");
  EXPECT_EQ(short_age(3 * 86'400'000ull), "3d");
}

}  // namespace
}  // namespace zpipe
