// ListenAddress: where zpipe-web listens, from `--listen HOST:PORT`, and whether only this host
// can reach it (loopback), which decides whether a token is required.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace zpipe {

struct ListenAddress {
  std::string host;  // as httplib binds it: "127.0.0.1", "::1", "0.0.0.0", a name
  int port = 0;      // 0: any free port (the one bound is printed)

  // 127.0.0.0/8, ::1 or localhost: reachable from this host only.
  bool is_loopback() const;
  // "127.0.0.1:8080", "[::1]:8080"
  std::string text(int bound_port) const;
};

// "HOST:PORT", "[IPV6]:PORT" or ":PORT" (every address). kInvalid, saying why, otherwise.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace zpipe
