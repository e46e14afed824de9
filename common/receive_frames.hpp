// receive_frames: takes one whole message from a socket, keeping at most its first `max` frames
// and reading the rest away, so that a peer sending thousands of frames costs us nothing but the
// reading. The submit, jobs, outcomes and acks sockets receive through it; the ZAP handler and
// the event subscribers read their fixed frames themselves.
#pragma once

#include <cstddef>
#include <vector>

#include <zmq.hpp>

namespace zpipe {

struct ReceivedFrames {
  std::vector<zmq::message_t> frames;  // the first `max`
  std::size_t total = 0;               // how many the message had; 0: nothing was waiting
};

enum class Wait { kNo, kYes };

// Without waiting (Wait::kNo), an empty result when nothing is there. Waiting, it blocks until
// a message comes (and throws zmq::error_t with ETERM when the context shuts down).
ReceivedFrames receive_frames(zmq::socket_ref socket, std::size_t max, Wait wait = Wait::kNo);

}  // namespace zpipe
