#include "common/socket_monitor.hpp"

#include <cstring>

#include "common/socket.hpp"

namespace zpipe {

SocketMonitor::SocketMonitor(zmq::context_t& context, zmq::socket_t& socket, int events)
    : watched_(socket.handle()), monitor_(context, zmq::socket_type::pair) {
  const auto endpoint = unique_monitor_endpoint();
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), events) != 0) throw zmq::error_t();
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(endpoint);
}

SocketMonitor::~SocketMonitor() {
  zmq_socket_monitor(watched_, nullptr, 0);  // stop the monitor before its reader goes
  monitor_.close();
}

std::vector<SocketEvent> SocketMonitor::take_events() {
  std::vector<SocketEvent> events;
  zmq::message_t header;
  // Each event is two frames: 6 bytes (the event, its value) and the peer's address.
  while (monitor_.recv(header, zmq::recv_flags::dontwait)) {
    zmq::message_t address;
    if (header.more()) (void)monitor_.recv(address);
    if (header.size() < 6) continue;
    SocketEvent event;
    std::memcpy(&event.event, header.data(), sizeof event.event);
    std::memcpy(&event.value, static_cast<const char*>(header.data()) + 2, sizeof event.value);
    events.push_back(event);
  }
  return events;
}

}  // namespace zpipe
