// DecodeLimits: bounds applied to every message received from outside, before and while decoding.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zpipe {

// The longest queue name, unique key or recurring job name a message may carry, in bytes.
inline constexpr std::size_t kMaxNameBytes = 200;

struct DecodeLimits {
  std::size_t max_message_bytes = 1 << 20;  // 1 MiB; also set as ZMQ_MAXMSGSIZE on sockets
  std::size_t max_array = 100'000;          // elements of one array (a submit batch's jobs)
  std::size_t max_map = 10'000;             // entries of one map
  std::size_t max_string = 1 << 20;         // bytes of one string
  std::size_t max_binary = 1 << 20;         // bytes of one binary value
  std::size_t max_depth = 32;               // nesting of arrays and maps
  std::size_t max_jobs_per_submit = 10'000;
  std::uint64_t max_timeout_ms = 7ull * 24 * 3600 * 1000;  // a job's time limit: 7 days
};

}  // namespace zpipe
