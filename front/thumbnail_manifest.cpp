#include "front/thumbnail_manifest.hpp"

#include <iostream>
#include <system_error>

namespace zpipe {

namespace fs = std::filesystem;

ThumbnailManifest::ThumbnailManifest(fs::path out_dir) : out_dir_(std::move(out_dir)) {
  std::ifstream in(out_dir_ / kFileName);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) made_.insert(line);
  }
}

std::string ThumbnailManifest::key_of(const fs::path& thumbnail) const {
  return thumbnail.lexically_relative(out_dir_).generic_string();
}

bool ThumbnailManifest::made(const fs::path& thumbnail) const {
  return made_.count(key_of(thumbnail)) != 0;
}

void ThumbnailManifest::add(const fs::path& thumbnail) {
  const auto key = key_of(thumbnail);
  if (!made_.insert(key).second || write_failed_) return;
  if (!appender_.is_open()) {
    std::error_code ignored;
    fs::create_directories(out_dir_, ignored);
    appender_.open(out_dir_ / kFileName, std::ios::app);
  }
  appender_ << key << '\n' << std::flush;
  if (!appender_) {
    write_failed_ = true;
    std::cerr << "zpipe thumbnail: cannot write " << (out_dir_ / kFileName).string()
              << ": the next run will leave this run's thumbnails alone\n";
  }
}

}  // namespace zpipe
