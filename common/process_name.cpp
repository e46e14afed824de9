#include "common/process_name.hpp"

#include <unistd.h>

namespace zpipe {

std::string host_and_pid() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown:" + std::to_string(::getpid());
  return std::string(host) + ":" + std::to_string(::getpid());
}

std::string event_source(std::string_view component, std::string_view name) {
  const auto process = host_and_pid();
  std::string source(component);
  if (!name.empty() && name != process) source += " " + std::string(name);
  return source + " " + process;
}

}  // namespace zpipe
