#include "front/free_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace zpipe {
namespace {

// True when a TCP socket can bind 127.0.0.1:port now (with SO_REUSEADDR, as libzmq binds, only
// a listening socket stands in the way).
bool can_bind_loopback(int port, bool reuse_address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  const int on = 1;
  if (reuse_address) (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

}  // namespace

std::vector<int> free_tcp_ports(int count) {
  std::vector<int> sockets;
  std::vector<int> ports;
  for (int i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot find a free port");
    }
    sockets.push_back(fd);  // held open until all are chosen, so they are distinct
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : sockets) ::close(fd);
  return ports;
}

std::vector<int> loopback_ports_in_use(int first, int count) {
  std::vector<int> in_use;
  for (int port = first; port < first + count; ++port) {
    if (!can_bind_loopback(port, /*reuse_address=*/true)) in_use.push_back(port);
  }
  return in_use;
}

int free_consecutive_ports(int count) {
  // Start from OS-chosen ports (spread across the ephemeral range) and check their neighbours,
  // strictly: a port with a connection still in TIME_WAIT is not taken either.
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int base = free_tcp_ports(1).front();
    if (base + count > 65535) continue;
    bool all_free = true;
    for (int port = base; port < base + count && all_free; ++port) {
      all_free = can_bind_loopback(port, /*reuse_address=*/false);
    }
    if (all_free) return base;
  }
  throw std::runtime_error("cannot find consecutive free ports");
}

}  // namespace zpipe
