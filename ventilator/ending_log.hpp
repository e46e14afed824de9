// EndingLog: how the last jobs to end ended, by id, for `zpipe show`, `zpipe thumbnail
// --connect` and cancel's "already over". One entry is made for every job that ends, so it is
// built to cost no allocation once it has gone round: a ring of entries, the oldest overwritten
// (its id's string keeps its room for the next), and an open-addressing index of slot numbers.
// A node-based map and a queue of ids cost three allocations and a cache miss a job.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zpipe {

class EndingLog {
 public:
  struct Ending {
    std::uint32_t attempt = 0;
    std::uint32_t max_attempts = 0;
    bool succeeded = false;
    bool cancelled = false;
  };
  // Called with an entry about to be dropped to make room (the oldest).
  using OnForget = std::function<void(std::string_view id, const Ending& ending)>;

  // Keeps the last `capacity` endings (rounded up to a power of two).
  explicit EndingLog(std::size_t capacity);

  // Remembers how `id` ended, in place of any earlier ending of it; the oldest entry goes when
  // the log is full (`on_forget` hears of it first).
  void remember(std::string_view id, const Ending& ending, const OnForget& on_forget);
  // Null when `id` is not among the endings kept.
  const Ending* find(std::string_view id) const;
  void forget(std::string_view id);
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::string id;
    Ending ending;
    bool used = false;
  };
  static constexpr std::uint32_t kEmpty = 0;  // index entries are slot numbers + 1

  std::size_t home_of(std::string_view id) const;
  // Where `id` is in index_, or index_.size() when it is not there.
  std::size_t position_of(std::string_view id) const;
  void erase_at(std::size_t position);  // keeps every other entry findable (backward shift)

  std::vector<Slot> slots_;           // the ring, oldest at next_ once it has gone round
  std::vector<std::uint32_t> index_;  // twice the slots: probes stay short
  std::size_t next_ = 0;
  std::size_t size_ = 0;
};

}  // namespace zpipe
