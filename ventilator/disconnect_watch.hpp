// DisconnectWatch: tells the ventilator that a connection to one of its bound sockets closed.
// libzmq's ROUTER does not say which peer went; its socket monitor says that one did, and the
// owner then finds out which by probing its peers (a send to a closed peer fails with
// ROUTER_MANDATORY).
// Sockets: monitor_ PAIR connect <- libzmq's monitor of the watched socket (inproc). Use from
// the thread that owns the watched socket.
#pragma once

#include <zmq.hpp>

namespace zpipe {

class DisconnectWatch {
 public:
  // Watches `socket` (of `context`). Destroy the watch before closing the socket.
  DisconnectWatch(zmq::context_t& context, zmq::socket_t& socket);
  ~DisconnectWatch();
  DisconnectWatch(const DisconnectWatch&) = delete;
  DisconnectWatch& operator=(const DisconnectWatch&) = delete;

  // For zmq::poll: readable when the monitor has something to say.
  void* handle() { return monitor_.handle(); }
  // Reads what the monitor reported; true when a connection closed since the last call.
  // Never blocks.
  bool take_disconnects();

 private:
  void* watched_;
  zmq::socket_t monitor_;
};

}  // namespace zpipe
