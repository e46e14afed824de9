#include "common/socket.hpp"

#include <arpa/inet.h>

#include <atomic>
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

// ZMQ_ZAP_ENFORCE_DOMAIN is a draft name in zmq.h, but libzmq 4.3 honours it: without it,
// a CURVE server whose ZAP handler is missing would let every key in.
#ifdef ZMQ_ZAP_ENFORCE_DOMAIN
constexpr int kZapEnforceDomain = ZMQ_ZAP_ENFORCE_DOMAIN;
#else
constexpr int kZapEnforceDomain = 93;
#endif

void secure_as_server(zmq::socket_t& socket, const CurveSetup& curve) {
  // A ZAP domain makes libzmq refuse peers that speak ZMTP 1.0 or 2.0, which carry no socket
  // type: in the clear, a plain TCP connection whose first byte is not 0xff would otherwise be
  // taken for a 1.0 peer, and a PUSH socket would hand it jobs that die with the connection.
  // Without a handler and without enforcement, ZMTP 3 peers are let in as before.
  socket.set(zmq::sockopt::zap_domain, kZapDomain);
  if (!curve.enabled()) return;
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, curve.own->secret_key);
  const int enforce = 1;
  if (zmq_setsockopt(socket.handle(), kZapEnforceDomain, &enforce, sizeof enforce) != 0) {
    throw zmq::error_t();
  }
}

void secure_as_client(zmq::socket_t& socket, const CurveSetup& curve) {
  if (!curve.enabled()) return;
  socket.set(zmq::sockopt::curve_serverkey, curve.server_key);
  socket.set(zmq::sockopt::curve_publickey, curve.own->public_key);
  socket.set(zmq::sockopt::curve_secretkey, curve.own->secret_key);
}

// "HOST" of "tcp://HOST:PORT" (brackets kept off an IPv6 address), or "" for other transports.
std::string_view tcp_host(std::string_view endpoint) {
  constexpr std::string_view kTcp = "tcp://";
  if (!endpoint.starts_with(kTcp)) return {};
  auto host = endpoint.substr(kTcp.size());
  if (const auto semicolon = host.find(';'); semicolon != std::string_view::npos) {
    host = host.substr(semicolon + 1);  // "tcp://source;destination": the destination counts
  }
  host = host.substr(0, host.rfind(':'));
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

bool is_local_endpoint(std::string_view endpoint) {
  if (endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://")) return true;
  const std::string host(tcp_host(endpoint));
  in_addr address{};
  // An address, not a name: "127.example.org" could resolve anywhere.
  const bool loopback_v4 =
      ::inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
  return loopback_v4 || host == "::1" || host == "localhost" || host == "lo";
}

std::optional<std::string> exposure_warning(std::string_view endpoint, std::string_view role,
                                            const CurveSetup& curve) {
  if (curve.enabled() || is_local_endpoint(endpoint)) return std::nullopt;
  return "the " + std::string(role) + " endpoint " + std::string(endpoint) +
         " is reachable from other hosts and runs in the clear: anyone who can reach it can "
         "submit jobs, take them, forge outcomes or read events. Give every program "
         "--curve-secret (and servers --curve-trust, clients --curve-server-key; see "
         "docs/guide.md, Security), or bind 127.0.0.1";
}

zmq::socket_t make_socket(zmq::context_t& context, zmq::socket_type type,
                          const SocketOptions& options) {
  zmq::socket_t socket(context, type);
  socket.set(zmq::sockopt::linger, options.linger_ms);
  socket.set(zmq::sockopt::sndhwm, options.send_hwm);
  socket.set(zmq::sockopt::rcvhwm, options.receive_hwm);
  socket.set(zmq::sockopt::maxmsgsize, options.max_message_bytes);
  return socket;
}

void bind_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role,
                   const CurveSetup& curve) {
  secure_as_server(socket, curve);
  try {
    socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("cannot bind " + std::string(role) + " endpoint " +
                             endpoint_problem(endpoint, e));
  }
}

void connect_endpoint(zmq::socket_t& socket, const std::string& endpoint, std::string_view role,
                      const CurveSetup& curve) {
  secure_as_client(socket, curve);
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

std::string sender_key_name(const zmq::message_t& frame) {
  // zmq_msg_gets only reads, but takes a non-const message.
  const char* name = zmq_msg_gets(const_cast<zmq_msg_t*>(frame.handle()), "User-Id");
  return name != nullptr ? name : "";
}

std::string unique_monitor_endpoint() {
  static std::atomic<unsigned> next{0};
  return "inproc://zpipe-socket-monitor-" + std::to_string(next++);
}

std::string bound_endpoint(const zmq::socket_t& socket) {
  return socket.get(zmq::sockopt::last_endpoint);
}

}  // namespace zpipe
