// SequenceGaps: how many events each source numbered but we never received. A sequence number
// at or below the last one means the source restarted (it counts from 1 again): no gap.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/event.hpp"

namespace zpipe {

class SequenceGaps {
 public:
  // Events missed just before `event` from its source (0 for the first one seen).
  std::uint64_t missed_before(const Event& event) {
    auto& last = last_seq_[event.source];
    const auto missed = last != 0 && event.seq > last + 1 ? event.seq - last - 1 : 0;
    last = event.seq;
    total_ += missed;
    return missed;
  }
  std::uint64_t total() const { return total_; }

 private:
  std::map<std::string, std::uint64_t> last_seq_;
  std::uint64_t total_ = 0;
};

}  // namespace zpipe
