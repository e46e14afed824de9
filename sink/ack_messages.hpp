// How the sink sends the acks of one transaction: in as many "ack" messages as keep each within
// the message limit (a success's follow-ups can make a thousand acks several MiB), the ack of
// one job never split.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "common/ack.hpp"

namespace zpipe {

// The largest ack message the sink sends under its `max_message_bytes`: never over 1 MiB, the
// ventilator's default limit.
inline std::size_t ack_room(std::size_t max_message_bytes) {
  return std::min<std::size_t>(1 << 20, max_message_bytes);
}

// `acks` encoded as messages of at most `room` bytes, in their order, each with their `lag_ms`;
// an ack over `room` alone goes alone.
std::vector<std::string> encode_acks_within(AckBatch acks, std::size_t room);

}  // namespace zpipe
