#include "front/private_socket_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace zpipe {

PrivateSocketDir::PrivateSocketDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/zpipe-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {  // mode 0700
    throw std::runtime_error("cannot make a folder for the pipeline's sockets (" + pattern +
                             "): " + std::strerror(errno));
  }
  path_ = pattern;
}

PrivateSocketDir::~PrivateSocketDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace zpipe
