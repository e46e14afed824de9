#include "common/socket.hpp"

#include <stdexcept>

namespace zpipe {
namespace {

std::string endpoint_problem(const std::string& endpoint, const zmq::error_t& error) {
  std::string reason = error.what();
  if (error.num() == EINVAL || error.num() == EPROTONOSUPPORT) {
    reason += " (expected tcp://HOST:PORT, ipc:///path or inproc://name)";
  }
  return endpoint + ": " + reason;
}

}  // namespace

zmq::socket_t make_socket(zmq::context_t& context, zmq::socket_type type,
                          const SocketOptions& options) {
  zmq::socket_t socket(context, type);
  socket.set(zmq::sockopt::linger, options.linger_ms);
  socket.set(zmq::sockopt::sndhwm, options.send_hwm);
  socket.set(zmq::sockopt::rcvhwm, options.receive_hwm);
  socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
  return socket;
}

void bind_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role) {
  try {
    socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind " + std::string(role) + " endpoint " +
                             endpoint_problem(endpoint, e));
  }
}

void connect_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role) {
  try {
    socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot connect " + std::string(role) + " endpoint " +
                             endpoint_problem(endpoint, e));
  }
}

int poll_sockets(zmq::pollitem_t* items, std::size_t count, std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items, count, timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) throw;
    for (std::size_t i = 0; i < count; ++i) items[i].revents = 0;
    return 0;
  }
}

std::string bound_endpoint(const zmq::socket_t& socket) {
  return socket.get(zmq::sockopt::last_endpoint);
}

}  // namespace zpipe
