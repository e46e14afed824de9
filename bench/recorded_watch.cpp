#include "bench/recorded_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "common/endpoints.hpp"

namespace zpipe::bench {

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RecordedWatch::RecordedWatch(const std::filesystem::path& data_dir) {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  // The folder, not the file: the WAL file comes and goes with checkpoints.
  if (inotify_fd_ < 0 || ::inotify_add_watch(inotify_fd_, data_dir.c_str(), IN_MODIFY) < 0) {
    throw std::runtime_error("cannot watch " + data_dir.string() + " with inotify");
  }
  // The sink makes its store as it starts, perhaps a moment after the ventilator answers.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    try {
      store_ = std::make_unique<OutcomeStore>(outcome_store_path(data_dir),
                                              OutcomeStore::Access::kReadOnly);
      // Past what is there already; a store being made throws or fails: try again.
      while (true) {
        auto rows = store_->recorded_after(after_, 100'000);
        if (!rows.ok()) throw std::runtime_error(rows.error().message);
        if (rows.value().empty()) break;
      }
      break;
    } catch (const std::exception&) {
      store_.reset();
      if (std::chrono::steady_clock::now() >= give_up) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

RecordedWatch::~RecordedWatch() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

std::vector<RecordedWatch::Seen> RecordedWatch::next(std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  int quick_retries = 0;
  while (true) {
    auto read = store_->recorded_after(after_, 100'000);
    if (!read.ok()) throw std::runtime_error(read.error().message);
    auto& rows = read.value();
    if (!rows.empty()) {
      const auto at = steady_now_ns();
      std::vector<Seen> seen;
      seen.reserve(rows.size());
      for (auto& row : rows) seen.push_back(Seen{std::move(row.outcome.id), at});
      return seen;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        give_up - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    if (quick_retries > 0) {
      // The WAL file was written, but the commit shows only once SQLite has updated its index
      // (shared memory, which inotify does not see): look again in a moment.
      --quick_retries;
      ::usleep(10);
      continue;
    }
    // A change to the store's files, or 1 ms at most.
    pollfd changed{inotify_fd_, POLLIN, 0};
    if (::poll(&changed, 1, 1) > 0) quick_retries = 50;
    char events[4096];
    while (::read(inotify_fd_, events, sizeof events) > 0) {
    }
  }
}

}  // namespace zpipe::bench
