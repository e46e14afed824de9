#include "common/socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace zpipe {
namespace {

TEST(Socket, LoopbackAndLocalTransportsAreLocal) {
  for (const char* endpoint :
       {"tcp://127.0.0.1:5570", "tcp://127.0.0.2:1", "tcp://localhost:5570", "tcp://[::1]:5570",
        "tcp://lo:5570", "ipc:///tmp/zpipe.sock", "inproc://hub"}) {
    EXPECT_TRUE(is_local_endpoint(endpoint)) << endpoint;
  }
  for (const char* endpoint : {"tcp://*:5570", "tcp://0.0.0.0:5570", "tcp://10.0.0.5:5570",
                               "tcp://eth0:5570", "tcp://[::]:5570", "tcp://example.org:5570",
                               "tcp://127.0.0.1:9;10.0.0.5:5570", "tcp://127.example.org:5570"}) {
    EXPECT_FALSE(is_local_endpoint(endpoint)) << endpoint;
  }
}

TEST(Socket, WarnsOfAReachableEndpointOnlyInTheClear) {
  const auto warning = exposure_warning("tcp://*:5570", "submit", CurveSetup{});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("submit endpoint tcp://*:5570"), std::string::npos);
  EXPECT_NE(warning->find("--curve-secret"), std::string::npos);
  EXPECT_FALSE(exposure_warning("tcp://127.0.0.1:5570", "submit", CurveSetup{}));

  CurveSetup curve;
  curve.own = CurveKeyPair{"public", "secret"};
  EXPECT_FALSE(exposure_warning("tcp://*:5570", "submit", curve));
}

// Everything a plain TCP connection reads from `socket` within a moment, after writing `hello`.
std::string what_a_raw_peer_reads(zmq::socket_t& socket, std::string_view hello,
                                  std::string_view message) {
  const std::string endpoint = bound_endpoint(socket);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port =
      htons(static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::write(fd, hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the handshake, or its refusal
  (void)socket.send(zmq::buffer(message), zmq::send_flags::dontwait);
  std::string read_back;
  pollfd readable{fd, POLLIN, 0};
  char buffer[512];
  while (::poll(&readable, 1, 300) > 0) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    read_back.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return read_back;
}

// A port scanner or a load balancer's health check writes a few bytes that are not ZMTP 3.
// libzmq takes a first byte other than 0xff for a ZMTP 1.0 peer, which names no socket type;
// a PUSH socket would then hand it a job, lost with the connection.
TEST(Socket, ABoundSocketInTheClearGivesNothingToAPeerThatIsNotZmtp3) {
  zmq::context_t context(1);
  zmq::socket_t jobs(context, zmq::socket_type::push);
  bind_endpoint(jobs, "tcp://127.0.0.1:*", "jobs", CurveSetup{});
  const std::string zmtp_1_0_identity("\x01\x00", 2);
  EXPECT_EQ(what_a_raw_peer_reads(jobs, zmtp_1_0_identity, "a job").find("a job"),
            std::string::npos);

  // The same socket still serves a real ZeroMQ peer in the clear.
  zmq::socket_t worker(context, zmq::socket_type::pull);
  worker.connect(bound_endpoint(jobs));
  jobs.set(zmq::sockopt::sndtimeo, 2000);
  ASSERT_TRUE(jobs.send(zmq::str_buffer("a job"), zmq::send_flags::none));
  zmq::message_t received;
  worker.set(zmq::sockopt::rcvtimeo, 2000);
  ASSERT_TRUE(worker.recv(received));
  EXPECT_EQ(received.to_string(), "a job");
}

}  // namespace
}  // namespace zpipe
