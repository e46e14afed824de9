// SocketMonitor: what libzmq's socket monitor says of one socket (connections closed, handshakes
// failed or succeeded), read without blocking by the thread that owns the socket.
// Sockets: monitor_ PAIR connect <- libzmq's monitor of the watched socket (inproc).
#pragma once

#include <cstdint>
#include <vector>

#include <zmq.hpp>

namespace zpipe {

struct SocketEvent {
  std::uint16_t event = 0;  // ZMQ_EVENT_*
  std::uint32_t value = 0;  // its value: an fd, an error or a status code, by event
};

class SocketMonitor {
 public:
  // Monitors `events` (ZMQ_EVENT_* ORed) of `socket` (of `context`). Destroy the monitor before
  // closing or replacing the socket. Throws zmq::error_t when libzmq cannot monitor it.
  SocketMonitor(zmq::context_t& context, zmq::socket_t& socket, int events);
  ~SocketMonitor();
  SocketMonitor(const SocketMonitor&) = delete;
  SocketMonitor& operator=(const SocketMonitor&) = delete;

  // For zmq::poll: readable when the monitor has something to say.
  void* handle() { return monitor_.handle(); }
  // Every event reported since the last call, oldest first. Never blocks.
  std::vector<SocketEvent> take_events();

 private:
  void* watched_;  // the socket's handle: it stays the same when its owner is moved
  zmq::socket_t monitor_;
};

}  // namespace zpipe
