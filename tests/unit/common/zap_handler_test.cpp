#include "common/zap_handler.hpp"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/socket.hpp"

namespace zpipe {
namespace {

// A CURVE server PULL in its own context, with or without a handler that trusts `trusted`.
struct Server {
  Server(const TrustedKeys& trusted, bool with_handler)
      : log(std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text))) {
    curve.own = generate_curve_key_pair();
    curve.trusted = trusted;
    curve.trust_dir = "trust/";
    if (with_handler) handler.emplace(context, trusted, curve.trust_dir, log);
    socket = make_socket(context, zmq::socket_type::pull, SocketOptions{});
    bind_endpoint(socket, "tcp://127.0.0.1:*", "test", curve);
    endpoint = bound_endpoint(socket);
  }
  ~Server() {
    socket.close();
    handler.reset();
  }

  // What arrives within `wait`, with the key name it came with.
  std::optional<std::pair<std::string, std::string>> receive(std::chrono::milliseconds wait) {
    zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
    if (zmq::poll(items, 1, wait) == 0) return std::nullopt;
    zmq::message_t frame;
    (void)socket.recv(frame);
    return std::make_pair(frame.to_string(), sender_key_name(frame));
  }

  std::ostringstream log_text;
  std::shared_ptr<spdlog::logger> log;
  zmq::context_t context{1};
  CurveSetup curve;
  std::optional<ZapHandler> handler;
  zmq::socket_t socket;
  std::string endpoint;
};

// Connects with `keys` to a server holding `server_key` and sends `text`.
void send_from(zmq::context_t& context, const CurveKeyPair& keys, const std::string& server_key,
               const std::string& endpoint, const std::string& text) {
  CurveSetup client;
  client.own = keys;
  client.server_key = server_key;
  SocketOptions options;
  options.linger_ms = 0;
  auto socket = make_socket(context, zmq::socket_type::push, options);
  connect_endpoint(socket, endpoint, "test", client);
  (void)socket.send(zmq::buffer(text), zmq::send_flags::dontwait);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

TEST(ZapHandler, LetsATrustedKeyInAndNamesIt) {
  const auto alice = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, true);
  zmq::context_t context(1);
  send_from(context, alice, server.curve.own->public_key, server.endpoint, "hello");
  const auto received = server.receive(std::chrono::seconds(5));
  ASSERT_TRUE(received);
  EXPECT_EQ(received->first, "hello");
  EXPECT_EQ(received->second, "alice");
  EXPECT_EQ(server.handler->accepted(), 1u);
}

TEST(ZapHandler, RefusesAnUntrustedKeyAndLogsItsAddress) {
  const auto alice = generate_curve_key_pair();
  const auto mallory = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, true);
  zmq::context_t context(1);
  send_from(context, mallory, server.curve.own->public_key, server.endpoint, "forged");
  EXPECT_FALSE(server.receive(std::chrono::milliseconds(500)));
  EXPECT_GE(server.handler->refused(), 1u);
  server.log->flush();
  const auto logged = server.log_text.str();
  EXPECT_NE(logged.find("refused a connection from 127.0.0.1"), std::string::npos) << logged;
  EXPECT_NE(logged.find(mallory.public_key), std::string::npos) << logged;
}

TEST(ZapHandler, RefusesAClientWithoutKeys) {
  const auto alice = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, true);
  zmq::context_t context(1);
  auto clear = make_socket(context, zmq::socket_type::push, SocketOptions{});
  clear.set(zmq::sockopt::linger, 0);
  connect_endpoint(clear, server.endpoint, "test", CurveSetup{});
  (void)clear.send(zmq::buffer(std::string("in the clear")), zmq::send_flags::dontwait);
  EXPECT_FALSE(server.receive(std::chrono::milliseconds(500)));
}

TEST(ZapHandler, WithoutAHandlerNobodyGetsIn) {
  // Fail closed: the enforced ZAP domain makes libzmq refuse rather than skip authentication.
  const auto alice = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, false);
  zmq::context_t context(1);
  send_from(context, alice, server.curve.own->public_key, server.endpoint, "hello");
  EXPECT_FALSE(server.receive(std::chrono::milliseconds(500)));
}

TEST(ZapHandler, RefusesRequestsFromAnotherZapDomain) {
  const auto alice = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, true);
  // A second server socket of the same context, in another domain: the handler must say no.
  auto other = make_socket(server.context, zmq::socket_type::pull, SocketOptions{});
  other.set(zmq::sockopt::curve_server, true);
  other.set(zmq::sockopt::curve_secretkey, server.curve.own->secret_key);
  other.set(zmq::sockopt::zap_domain, "another");
  other.bind("tcp://127.0.0.1:*");
  zmq::context_t context(1);
  send_from(context, alice, server.curve.own->public_key, bound_endpoint(other), "hello");
  zmq::pollitem_t items[] = {{other.handle(), 0, ZMQ_POLLIN, 0}};
  EXPECT_EQ(zmq::poll(items, 1, std::chrono::milliseconds(500)), 0);
  EXPECT_GE(server.handler->refused(), 1u);
  other.close();
}

TEST(ZapHandler, AWrongServerKeyReachesNothing) {
  const auto alice = generate_curve_key_pair();
  Server server({{alice.public_key, "alice"}}, true);
  zmq::context_t context(1);
  send_from(context, alice, generate_curve_key_pair().public_key, server.endpoint, "hello");
  EXPECT_FALSE(server.receive(std::chrono::milliseconds(500)));
}

}  // namespace
}  // namespace zpipe
