#include "tests/support/temp_dir.hpp"

#include <stdlib.h>

#include <stdexcept>

namespace zpipe::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "zpipe-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace zpipe::test
