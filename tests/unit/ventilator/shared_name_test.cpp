#include "ventilator/shared_name.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(SharedName, ReadsAsItsNameAndIsHeldOnceHoweverManyHoldIt) {
  const auto before = SharedName::distinct();
  {
    std::vector<SharedName> names;
    for (int i = 0; i < 1000; ++i) names.emplace_back("thumbnail-test-name");
    names.emplace_back("another-test-name");
    EXPECT_EQ(SharedName::distinct(), before + 2);
    const std::string& text = names.front();
    EXPECT_EQ(text, "thumbnail-test-name");
    EXPECT_EQ(names.front(), names[1]);
    EXPECT_FALSE(names.front() == names.back());
    auto copy = names.front();
    auto moved = std::move(names.back());
    EXPECT_EQ(copy.str(), "thumbnail-test-name");
    EXPECT_EQ(moved.str(), "another-test-name");
  }
  EXPECT_EQ(SharedName::distinct(), before) << "a name goes with its last holder";
}

TEST(SharedName, TheEmptyNameIsHeldByNobody) {
  const auto before = SharedName::distinct();
  SharedName empty{""};
  SharedName none;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty, none);
  EXPECT_EQ(SharedName::distinct(), before);
}

TEST(SharedName, AssignedOverItLetsGoOfTheOldName) {
  const auto before = SharedName::distinct();
  SharedName name("first-test-name");
  name = SharedName("second-test-name");
  EXPECT_EQ(name, std::string_view("second-test-name"));
  EXPECT_EQ(SharedName::distinct(), before + 1);
  const SharedName other = name;
  name = other;  // the same name: nothing changes
  EXPECT_EQ(SharedName::distinct(), before + 1);
}

}  // namespace
}  // namespace zpipe
