#include "common/endpoints.hpp"

#include <cstdlib>

namespace zpipe {

std::filesystem::path default_data_dir() {
  if (const char* dir = std::getenv("ZPIPE_DATA_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "zpipe";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".local" / "share" / "zpipe";
  }
  return "zpipe-data";
}

std::filesystem::path outcome_store_path(const std::filesystem::path& data_dir) {
  return data_dir / "outcomes.db";
}

std::filesystem::path journal_path(const std::filesystem::path& data_dir) {
  return data_dir / "journal.db";
}

}  // namespace zpipe
