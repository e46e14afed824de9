// TimedMessages: the input format of the fuzz targets that take a series of messages over time
// (the event consumers): records of one byte, the tenths of a second that pass before the
// message, then the message's bytes as they arrive on the wire. A message is one msgpack value,
// so its end is where that value ends; the input stops at the first record that is not one
// (decode()'s limits apply). Splicing a whole msgpack value into a message (a dictionary token)
// keeps the records apart, as a length prefix would not. make_corpus writes seeds in this format.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "common/decode_limits.hpp"

namespace zpipe::fuzz {

struct TimedMessage {
  std::chrono::milliseconds wait{0};  // time that passes before this message arrives
  std::string_view bytes;
};

inline std::vector<TimedMessage> read_timed_messages(std::string_view input) {
  const DecodeLimits limits;
  const msgpack::unpack_limit unpack_limits(limits.max_array, limits.max_map, limits.max_string,
                                            limits.max_binary, 0, limits.max_depth);
  std::vector<TimedMessage> messages;
  while (input.size() >= 2) {
    const auto tenths = static_cast<unsigned char>(input[0]);
    input.remove_prefix(1);
    std::size_t end = 0;
    try {
      (void)msgpack::unpack(input.data(), input.size(), end, nullptr, nullptr, unpack_limits);
    } catch (const std::exception&) {
      break;
    }
    messages.push_back(TimedMessage{std::chrono::milliseconds(100 * tenths), input.substr(0, end)});
    input.remove_prefix(end);
  }
  return messages;
}

// Precondition: each wait is under 25.6 s and each message one msgpack value.
inline std::string write_timed_messages(const std::vector<TimedMessage>& messages) {
  std::string out;
  for (const auto& m : messages) {
    out += static_cast<char>(m.wait.count() / 100);
    out += m.bytes;
  }
  return out;
}

}  // namespace zpipe::fuzz
