#include "common/outcome_batch.hpp"

namespace zpipe {

std::string encode_outcome_entry_within(Outcome& outcome, std::size_t room) {
  auto entry = encode_outcome_entry(outcome);
  if (entry.size() <= room || !outcome.payload) return entry;
  outcome.payload_bytes = outcome.payload->msgpack().size();
  outcome.payload.reset();
  return encode_outcome_entry(outcome);
}

}  // namespace zpipe
