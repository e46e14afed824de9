#include "common/nearest_name.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

const std::vector<std::string> kCommands{"thumbnail", "up",      "demo",     "submit",
                                         "status",    "results", "failures", "show",
                                         "retry",     "discard", "keygen",   "worker"};

TEST(NearestName, FindsTheCommandMeantBySlips) {
  EXPECT_EQ(nearest_name("statu", kCommands), "status");   // a letter missing
  EXPECT_EQ(nearest_name("stauts", kCommands), "status");  // two letters swapped
  EXPECT_EQ(nearest_name("sumbit", kCommands), "submit");
  EXPECT_EQ(nearest_name("resutls", kCommands), "results");
  EXPECT_EQ(nearest_name("failure", kCommands), "failures");
  EXPECT_EQ(nearest_name("thumb", kCommands), "thumbnail");  // the start of a name
  EXPECT_EQ(nearest_name("shwo", kCommands), "show");
  EXPECT_EQ(nearest_name("uo", kCommands), "up");
}

TEST(NearestName, SuggestsNothingForAWordFarFromEveryName) {
  EXPECT_EQ(nearest_name("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(nearest_name("xyz", kCommands), std::nullopt);
  EXPECT_EQ(nearest_name("st", kCommands), std::nullopt) << "too short to be a start";
}

}  // namespace
}  // namespace zpipe
