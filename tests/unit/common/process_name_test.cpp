#include "common/process_name.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(ProcessName, IsTheHostAndThePid) {
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(host_and_pid(), std::string(host) + ":" + std::to_string(::getpid()));
}

TEST(ProcessName, AnEventSourceKeepsTheHostAndPidBesideAGivenName) {
  const auto process = host_and_pid();
  EXPECT_EQ(event_source("sink"), "sink " + process);
  EXPECT_EQ(event_source("worker", ""), "worker " + process);
  EXPECT_EQ(event_source("worker", "thumbs-1"), "worker thumbs-1 " + process);
  EXPECT_EQ(event_source("worker", process), "worker " + process) << "not said twice";
}

}  // namespace
}  // namespace zpipe
