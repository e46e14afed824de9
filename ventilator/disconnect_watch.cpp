#include "ventilator/disconnect_watch.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "common/socket.hpp"

namespace zpipe {
DisconnectWatch::DisconnectWatch(zmq::context_t& context, zmq::socket_t& socket)
    : watched_(socket.handle()), monitor_(context, zmq::socket_type::pair) {
  const auto endpoint = unique_monitor_endpoint();
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), ZMQ_EVENT_DISCONNECTED) != 0) {
    throw zmq::error_t();
  }
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(endpoint);
}

DisconnectWatch::~DisconnectWatch() {
  zmq_socket_monitor(watched_, nullptr, 0);  // stop the monitor before its reader goes
  monitor_.close();
}

bool DisconnectWatch::take_disconnects() {
  bool any = false;
  zmq::message_t header;
  while (monitor_.recv(header, zmq::recv_flags::dontwait)) {
    zmq::message_t address;
    if (header.more()) (void)monitor_.recv(address);
    std::uint16_t event = 0;
    if (header.size() >= sizeof event) std::memcpy(&event, header.data(), sizeof event);
    any = any || event == ZMQ_EVENT_DISCONNECTED;
  }
  return any;
}

}  // namespace zpipe
