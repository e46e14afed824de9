// How a worker and the ventilator (its cancel records) send outcomes to the sink: each outcome
// entry within the message limit (a payload too large beside the rest goes as its size alone),
// and the entries together in "outcomes" messages of at most kMaxOutcomesPerMessage, within
// 1 MiB and the message limit (the sink refuses a message over its limit).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/outcome.hpp"
#include "common/protocol.hpp"

namespace zpipe {

inline constexpr std::size_t kMaxOutcomesPerMessage = 256;

// Bytes of entries a message of several may hold under `max_message_bytes` (an entry alone may
// take up to the limit).
inline std::size_t outcome_room(std::size_t max_message_bytes) {
  return std::min<std::size_t>(1 << 20, max_message_bytes) - kOutcomesEnvelopeBytes;
}

// The entry of `outcome`; when it is over `room` bytes with the job's payload in it, the payload
// only comes back for people to read: it goes as its size alone (`outcome` says so after).
std::string encode_outcome_entry_within(Outcome& outcome, std::size_t room);

// The entries from `begin` that go in the next message: at least one, at most
// kMaxOutcomesPerMessage, within `room` bytes.
template <class Iterator>
std::vector<std::string_view> next_outcome_batch(Iterator begin, Iterator end, std::size_t room) {
  std::vector<std::string_view> batch;
  std::size_t bytes = 0;
  for (auto entry = begin; entry != end && batch.size() < kMaxOutcomesPerMessage; ++entry) {
    if (!batch.empty() && bytes + entry->size() > room) break;
    batch.emplace_back(*entry);
    bytes += entry->size();
  }
  return batch;
}

}  // namespace zpipe
