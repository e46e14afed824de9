#include "common/receive_frames.hpp"

namespace zpipe {

ReceivedFrames receive_frames(zmq::socket_ref socket, std::size_t max, Wait wait) {
  ReceivedFrames received;
  zmq::message_t frame;
  const auto flags = wait == Wait::kYes ? zmq::recv_flags::none : zmq::recv_flags::dontwait;
  if (!socket.recv(frame, flags)) return received;
  bool more = frame.more();
  received.total = 1;
  if (max > 0) received.frames.push_back(std::move(frame));
  while (more) {
    zmq::message_t next;
    (void)socket.recv(next);  // the rest of a message is there once its first frame is
    more = next.more();
    if (++received.total <= max) received.frames.push_back(std::move(next));
  }
  return received;
}

}  // namespace zpipe
