// ZapHandler: the ZeroMQ authentication (ZAP, RFC 27) handler of one context. libzmq asks it,
// for every CURVE connection to a server socket of that context, whether the client's public
// key may connect; it answers yes only for trusted keys in zpipe's ZAP domain, and names the
// key (User-Id) so that what arrives over the connection can say whose key sent it.
// Fails closed: an unknown key, another domain or mechanism, or a malformed request is
// refused, and while the handler is not answering, handshakes wait and then fail.
// Sockets (owned by its thread): requests_ REP bind inproc://zeromq.zap.01.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/curve_keys.hpp"

namespace zpipe {

class ZapHandler {
 public:
  // Binds the handler's socket now (throws if another handler has this context), then answers
  // on its own thread until destroyed or `context` shuts down. Create it before binding any
  // CURVE server socket of `context`. `trust_dir` only names the directory in log lines.
  ZapHandler(zmq::context_t& context, TrustedKeys trusted, std::string trust_dir,
             std::shared_ptr<spdlog::logger> log);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  std::uint64_t accepted() const { return accepted_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

 private:
  void serve();

  zmq::socket_t requests_;
  TrustedKeys trusted_;
  std::string trust_dir_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace zpipe
