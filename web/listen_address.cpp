#include "web/listen_address.hpp"

#include <charconv>

namespace zpipe {

bool ListenAddress::is_loopback() const {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string ListenAddress::text(int bound_port) const {
  const auto shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return shown + ":" + std::to_string(bound_port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const auto invalid = [&text](const std::string& why) {
    return Error{ErrorCode::kInvalid,
                 "--listen " + std::string(text) + ": " + why + " (e.g. 127.0.0.1:8080)"};
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  ListenAddress address;
  auto host = text.substr(0, colon);
  if (host.starts_with('[')) {
    if (!host.ends_with(']')) return invalid("an IPv6 address needs its closing ]");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid("write an IPv6 address in brackets");
  }
  address.host = host.empty() ? "0.0.0.0" : std::string(host);
  const auto port = text.substr(colon + 1);
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() ||
      address.port < 0 || address.port > 65535) {
    return invalid("the port is not a number from 0 to 65535");
  }
  return address;
}

}  // namespace zpipe
