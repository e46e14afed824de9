// LoopbackListener: a listening TCP socket on 127.0.0.1:port for as long as it lives, standing
// for another program (another `zpipe up`) that holds a port; closed on destruction.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace zpipe::test {

class LoopbackListener {
 public:
  explicit LoopbackListener(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    listening_ = fd_ >= 0 &&
                 ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                 ::listen(fd_, 8) == 0;
  }
  ~LoopbackListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  // False when the port was taken already (by whatever it stands for, which serves as well).
  bool is_listening() const { return listening_; }

 private:
  int fd_;
  bool listening_ = false;
};

}  // namespace zpipe::test
