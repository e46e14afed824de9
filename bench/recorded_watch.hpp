// RecordedWatch: sees outcomes appear in a sink's store the moment they are committed, without
// polling hard: inotify wakes it when the store's files change, then it reads the new rows.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/outcome_store.hpp"

namespace zpipe::bench {

class RecordedWatch {
 public:
  // Watches the store in `data_dir` (the sink must have created it); rows already there are
  // not reported.
  explicit RecordedWatch(const std::filesystem::path& data_dir);
  ~RecordedWatch();
  RecordedWatch(const RecordedWatch&) = delete;
  RecordedWatch& operator=(const RecordedWatch&) = delete;

  struct Seen {
    std::string id;
    std::int64_t at_ns = 0;  // steady clock, when this watch found it
  };
  // Jobs recorded since the last call, waiting up to `timeout` for the first.
  std::vector<Seen> next(std::chrono::milliseconds timeout);

 private:
  int inotify_fd_ = -1;
  std::unique_ptr<OutcomeStore> store_;
  std::int64_t after_ = 0;
};

std::int64_t steady_now_ns();

}  // namespace zpipe::bench
