#include "web/access_guard.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace zpipe {
namespace {

constexpr std::string_view kSessionCookie = "zpipe_session";
constexpr std::string_view kCsrfCookie = "zpipe_csrf";
// Clients seen at most this long ago keep their bucket; older ones are forgotten.
constexpr auto kForgetClientsAfter = std::chrono::minutes(1);

std::string random_hex(std::size_t bytes) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  if (!urandom.read(raw.data(), static_cast<std::streamsize>(bytes))) {
    throw std::runtime_error("cannot read /dev/urandom for the session keys");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char c : raw) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (b.empty()) return a.empty();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (a[i] ^ b[i % b.size()]));
  }
  return diff == 0;
}

// The host name of a Host header, without its port: "127.0.0.1", "[::1]", "example.com".
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

bool is_api(std::string_view path) { return path.starts_with("/api/") || path == "/metrics"; }

}  // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    auto pair = header.substr(0, end);
    while (pair.starts_with(' ')) pair.remove_prefix(1);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

AccessGuard::AccessGuard(std::string token, bool read_only, ListenAddress listen)
    : token_(std::move(token)),
      read_only_(read_only),
      listen_(std::move(listen)),
      session_(random_hex(24)),
      csrf_(random_hex(16)) {}

bool AccessGuard::is_token(std::string_view offered) const {
  return !token_.empty() && equal_in_constant_time(offered, token_);
}

std::string AccessGuard::session_cookie() const {
  return std::string(kSessionCookie) + "=" + session_ + "; Path=/; HttpOnly; SameSite=Strict";
}

std::string AccessGuard::csrf_cookie() const {
  return std::string(kCsrfCookie) + "=" + csrf_ + "; Path=/; SameSite=Strict";
}

bool AccessGuard::has_session(const RequestFacts& request) const {
  return equal_in_constant_time(cookie_value(request.cookie, kSessionCookie), session_);
}

bool AccessGuard::host_allowed(std::string_view host) const {
  const auto name = host_name(host);
  return name == "localhost" || name == "[::1]" || name.starts_with("127.");
}

bool AccessGuard::within_rate(const std::string& remote, Clock::time_point now) {
  std::lock_guard lock(rate_mutex_);
  if (buckets_.size() > 10'000) {
    std::erase_if(buckets_,
                  [now](const auto& entry) { return now - entry.second.at > kForgetClientsAfter; });
  }
  auto [it, fresh] = buckets_.try_emplace(remote);
  auto& bucket = it->second;
  if (!fresh) {
    const std::chrono::duration<double> since = now - bucket.at;
    bucket.tokens = std::min(kBurst, bucket.tokens + since.count() * kRequestsPerSecond);
  }
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

AccessVerdict AccessGuard::check(const RequestFacts& request, Clock::time_point now) {
  if (!within_rate(request.remote, now)) {
    return {429,
            "too many requests from " + request.remote + ": at most " +
                std::to_string(static_cast<int>(kRequestsPerSecond)) + " a second",
            "", 1};
  }
  if (request.path == "/healthz") return {};
  // On loopback without a token, only this host's browsers reach it, unless a page elsewhere
  // makes a name of its own resolve to 127.0.0.1 (DNS rebinding). Its Host header tells. (Read-
  // only on another address is meant to be reached by any name.)
  if (token_.empty() && listen_.is_loopback() && !host_allowed(request.host)) {
    return {421, "this server answers to localhost only, not to " + request.host};
  }
  const bool bearer =
      request.authorization.starts_with("Bearer ") && is_token(request.authorization.substr(7));
  if (!token_.empty() && !bearer && !has_session(request)) {
    // The sign-in page and its files (nothing of the pipeline is in them).
    if (request.path == "/login" || request.path.starts_with("/assets/")) return {};
    if (is_api(request.path)) {
      return {401, "sign in: send `Authorization: Bearer TOKEN` or the session cookie of /login"};
    }
    return {303, "sign in first", "/login"};
  }
  if (request.method == "GET" || request.method == "HEAD") return {};
  if (request.method != "POST") return {405, request.method + " is not used here: GET or POST"};
  if (request.path == "/login" || request.path == "/logout") return {};
  if (read_only_) return {403, "read-only: this zpipe-web takes no actions (--read-only)"};
  // A bearer token is never sent by a browser on its own: such a request is no forgery.
  if (!bearer && (request.csrf.empty() || !equal_in_constant_time(request.csrf, csrf_) ||
                  cookie_value(request.cookie, kCsrfCookie) != request.csrf)) {
    return {403, "missing or wrong X-CSRF-Token header: send the zpipe_csrf cookie's value"};
  }
  return {};
}

}  // namespace zpipe
