#include "common/data_dir_lock.hpp"

#include <unistd.h>

#include <fstream>

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

TEST(DataDirLock, AFolderThatCannotBeMadeSaysWhichAndWhy) {
  test::TempDir dir;
  std::ofstream(dir.path() / "file") << "a file where a folder should go";
  const auto lock = DataDirLock::acquire(dir.path() / "file" / "data", "ventilator");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code, ErrorCode::kIo);
  EXPECT_NE(lock.error().message.find("cannot create the data directory " +
                                      (dir.path() / "file" / "data").string()),
            std::string::npos)
      << lock.error().message;
}

}  // namespace
}  // namespace zpipe
