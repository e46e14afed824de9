#include "worker/unique_fd.hpp"

#include <fcntl.h>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_dev_null() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(UniqueFd, ClosesItsDescriptorWhenItGoes) {
  const int fd = open_dev_null();
  {
    const UniqueFd owner(fd);
    EXPECT_EQ(owner.get(), fd);
    EXPECT_TRUE(owner.is_open());
  }
  EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, MoveAssignmentClosesTheDescriptorItHeldAndTakesTheOther) {
  const int first = open_dev_null();
  const int second = open_dev_null();
  UniqueFd owner(first);
  UniqueFd other(second);
  owner = std::move(other);
  EXPECT_FALSE(is_open(first));
  EXPECT_TRUE(is_open(second));
  EXPECT_EQ(owner.get(), second);
  EXPECT_FALSE(other.is_open());  // a moved-from owner holds nothing
}

TEST(UniqueFd, MoveConstructionHandsOwnershipOverWithoutClosing) {
  const int fd = open_dev_null();
  UniqueFd first(fd);
  {
    const UniqueFd second(std::move(first));
    EXPECT_EQ(second.get(), fd);
    EXPECT_EQ(first.get(), -1);  // a moved-from owner holds nothing
    EXPECT_TRUE(is_open(fd));
  }
  EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, ReleaseHandsTheDescriptorOverUnclosed) {
  const int fd = open_dev_null();
  {
    UniqueFd owner(fd);
    EXPECT_EQ(owner.release(), fd);
    EXPECT_FALSE(owner.is_open());
  }
  EXPECT_TRUE(is_open(fd));
  ::close(fd);
}

TEST(UniqueFd, ResetClosesTheDescriptorHeld) {
  const int fd = open_dev_null();
  UniqueFd owner(fd);
  owner.reset();
  EXPECT_FALSE(is_open(fd));
  EXPECT_EQ(owner.get(), -1);
}

}  // namespace
}  // namespace zpipe
