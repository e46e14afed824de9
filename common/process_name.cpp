#include "common/process_name.hpp"

#include <unistd.h>

namespace zpipe {

std::string host_and_pid() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown:" + std::to_string(::getpid());
  return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace zpipe
