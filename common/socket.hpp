// Sockets with zpipe's defaults (bounded linger, high-water marks, maximum message size) and
// bind/connect that fail with a message naming the endpoint and its role.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <zmq.hpp>

namespace zpipe {

struct SocketOptions {
  int linger_ms = 1000;  // how long close() waits to deliver queued messages
  int send_hwm = 1000;   // messages queued per peer before sends block or drop
  int receive_hwm = 1000;
  // ZMQ_MAXMSGSIZE: a larger inbound message drops the connection. Meant for bound sockets;
  // a connecting socket cut off this way does not reconnect, so those pass -1 (no limit) and
  // leave the check to decode().
  std::int64_t max_message_bytes = 1 << 20;
};

zmq::socket_t make_socket(zmq::context_t& context, zmq::socket_type type,
                          const SocketOptions& options);

// Throw std::runtime_error("cannot bind <role> endpoint <endpoint>: <reason>").
void bind_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role);
void connect_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role);

// zmq::poll that treats a signal's interruption (EINTR) as "nothing happened", so that the
// caller's loop goes round and sees its stop flag. Other errors throw zmq::error_t.
int poll_sockets(zmq::pollitem_t* items, std::size_t count, std::chrono::milliseconds timeout);

// The endpoint a socket actually bound last (resolves "tcp://127.0.0.1:*").
std::string bound_endpoint(const zmq::socket_t& socket);

}  // namespace zpipe
