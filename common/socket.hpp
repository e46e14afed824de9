// Sockets with zpipe's defaults (bounded linger, high-water marks, maximum message size) and
// bind/connect that fail with a message naming the endpoint and its role.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "common/curve_setup.hpp"

namespace zpipe {

// The ZAP domain set on every zpipe server socket; the ZapHandler refuses any other.
inline constexpr const char* kZapDomain = "zpipe";

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

// Binds (as a CURVE server when `curve` is enabled: its connections are authenticated by the
// context's ZapHandler, in zpipe's ZAP domain, enforced) or connects (as a CURVE client that
// expects the server to hold `curve.server_key`). Throw std::runtime_error("cannot bind <role>
// endpoint <endpoint>: <reason>").
void bind_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role,
                   const CurveSetup& curve);
void connect_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role,
                      const CurveSetup& curve);

// True for endpoints other hosts cannot reach: loopback TCP addresses (127.0.0.0/8, ::1,
// localhost, the "lo" interface), ipc:// and inproc://. "tcp://*:PORT" is reachable.
bool is_local_endpoint(std::string_view endpoint);

// A warning for an endpoint that is reachable from other hosts and not protected by CURVE,
// saying what anyone who can reach it can do; std::nullopt when there is nothing to warn of.
std::optional<std::string> exposure_warning(std::string_view endpoint, std::string_view role,
                                            const CurveSetup& curve);

// zmq::poll that treats a signal's interruption (EINTR) as "nothing happened", so that the
// caller's loop goes round and sees its stop flag. Other errors throw zmq::error_t.
int poll_sockets(zmq::pollitem_t* items, std::size_t count, std::chrono::milliseconds timeout);

// The name of the trusted CURVE key that `frame` arrived with (the ZapHandler's User-Id);
// empty for a frame that came over inproc://. Call it only for a CURVE server socket: in the
// clear there is no ZAP, and a peer may send a "User-Id" property of its own in its greeting.
std::string sender_key_name(const zmq::message_t& frame);

// A fresh inproc:// address for a socket monitor (zmq_socket_monitor), unique in this process.
std::string unique_monitor_endpoint();

// The endpoint a socket actually bound last (resolves "tcp://127.0.0.1:*").
std::string bound_endpoint(const zmq::socket_t& socket);

}  // namespace zpipe
