#include "sink/ack_messages.hpp"

#include <iterator>
#include <utility>

#include "common/protocol.hpp"

namespace zpipe {

std::vector<std::string> encode_acks_within(AckBatch acks, std::size_t room) {
  auto whole = encode(acks);
  if (whole.size() <= room || acks.acks.size() <= 1) return {std::move(whole)};
  // Rare (follow-ups by the MiB): halves are encoded again until each fits.
  const auto half = acks.acks.begin() + static_cast<std::ptrdiff_t>(acks.acks.size() / 2);
  AckBatch first{{std::make_move_iterator(acks.acks.begin()), std::make_move_iterator(half)},
                 acks.lag_ms};
  AckBatch second{{std::make_move_iterator(half), std::make_move_iterator(acks.acks.end())},
                  acks.lag_ms};
  auto messages = encode_acks_within(std::move(first), room);
  for (auto& message : encode_acks_within(std::move(second), room)) {
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace zpipe
