#include "front/program_path.hpp"

#include <filesystem>

namespace zpipe {

std::string program_path(const std::string& name) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto sibling = self.parent_path() / name;
    if (std::filesystem::exists(sibling, error)) return sibling.string();
  }
  return name;
}

}  // namespace zpipe
