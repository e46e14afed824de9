// HandshakeWatch: tells a CURVE client why it is not getting anywhere. libzmq retries a refused
// handshake silently for ever; its socket monitor reports each failure, and this turns them
// into one readable reason ("the server refused this program's key") for the owner to log.
// Use from the thread that owns the watched socket.
#pragma once

#include <optional>
#include <string>

#include <zmq.hpp>

#include "common/socket_monitor.hpp"

namespace zpipe {

class HandshakeWatch {
 public:
  // Watches `socket` (of `context`) for failed handshakes; create it before `socket` connects.
  // `peer` names the server in reasons ("the ventilator at tcp://10.0.0.1:5571"). Destroy the
  // watch before closing or replacing the socket.
  HandshakeWatch(zmq::context_t& context, zmq::socket_t& socket, std::string peer);
  ~HandshakeWatch();
  HandshakeWatch(const HandshakeWatch&) = delete;
  HandshakeWatch& operator=(const HandshakeWatch&) = delete;

  // Reads what the monitor reported: the reason for the latest failed handshake, when it is not
  // the one returned last (libzmq retries every second or so: say it once, and again after a
  // success or when the reason changes); else std::nullopt. Never blocks.
  std::optional<std::string> take_failure();

 private:
  SocketMonitor monitor_;
  std::string peer_;
  std::string last_reported_;
};

}  // namespace zpipe
