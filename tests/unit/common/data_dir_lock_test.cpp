#include "common/data_dir_lock.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace zpipe {
namespace {

TEST(DataDirLock, ASecondClaimIsRefusedWithTheHoldersPidUntilTheFirstIsReleased) {
  test::TempDir dir;
  const auto data = dir.path() / "data";
  {
    auto first = DataDirLock::acquire(data, "sink");
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = DataDirLock::acquire(data, "sink");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kBusy);
    const auto& message = second.error().message;
    EXPECT_NE(message.find("in use by another sink (pid " + std::to_string(::getpid())),
              std::string::npos)
        << message;
    EXPECT_NE(message.find((data / "sink.lock").string()), std::string::npos) << message;
    EXPECT_NE(message.find("--data-dir"), std::string::npos) << message;
    // Another owner's lock in the same folder is another file: a ventilator and a sink share
    // the data directory of `zpipe up`.
    EXPECT_TRUE(DataDirLock::acquire(data, "ventilator").ok());
  }
  EXPECT_TRUE(DataDirLock::acquire(data, "sink").ok()) << "released with its owner";
}

TEST(DataDirLock, AFolderThatCannotBeWrittenSaysWhich) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes anywhere";
  test::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0500), 0);
  const auto lock = DataDirLock::acquire(dir.path() / "data", "ventilator");
  ::chmod(dir.path().c_str(), 0700);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code, ErrorCode::kIo);
  EXPECT_NE(lock.error().message.find((dir.path() / "data").string()), std::string::npos)
      << lock.error().message;
}

}  // namespace
}  // namespace zpipe
