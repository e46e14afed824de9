#include "common/handshake_watch.hpp"

namespace zpipe {

HandshakeWatch::HandshakeWatch(zmq::context_t& context, zmq::socket_t& socket, std::string peer)
    : monitor_(context, socket,
               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                   ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_SUCCEEDED),
      peer_(std::move(peer)) {}

HandshakeWatch::~HandshakeWatch() = default;

std::optional<std::string> HandshakeWatch::take_failure() {
  std::optional<std::string> reason;
  for (const auto& [event, value] : monitor_.take_events()) {
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
