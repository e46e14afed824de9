#include "common/handshake_watch.hpp"

#include <cstdint>
#include <cstring>

#include "common/socket.hpp"

namespace zpipe {
HandshakeWatch::HandshakeWatch(zmq::context_t& context, zmq::socket_t& socket, std::string peer)
    : watched_(socket.handle()), monitor_(context, zmq::socket_type::pair), peer_(std::move(peer)) {
  const auto endpoint = unique_monitor_endpoint();
  const int events = ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), events) != 0) throw zmq::error_t();
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(endpoint);
}

HandshakeWatch::~HandshakeWatch() {
  // Stop the monitor before its reader goes.
  zmq_socket_monitor(watched_, nullptr, 0);
  monitor_.close();
}

std::optional<std::string> HandshakeWatch::take_failure() {
  std::optional<std::string> reason;
  zmq::message_t header;
  while (monitor_.recv(header, zmq::recv_flags::dontwait)) {
    zmq::message_t address;
    if (header.more()) (void)monitor_.recv(address);
    if (header.size() < 6) continue;
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    std::memcpy(&event, header.data(), sizeof event);
    std::memcpy(&value, static_cast<const char*>(header.data()) + 2, sizeof value);
    switch (event) {
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        reason.reset();  // a later success makes earlier failures moot
        last_reported_.clear();
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        reason = peer_ + " refused this program's key (status " + std::to_string(value) +
                 "): add its NAME.key to the server's --curve-trust directory and restart "
                 "the server";
        break;
      default:
        reason = "the CURVE handshake with " + peer_ +
                 " failed: is --curve-server-key the public key the server holds, and does "
                 "the server run with keys?";
    }
  }
  if (!reason || *reason == last_reported_) return std::nullopt;
  last_reported_ = *reason;
  return reason;
}

}  // namespace zpipe
