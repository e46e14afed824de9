// AccessGuard: who may do what through zpipe-web, decided before any handler runs. It knows the
// token (--token-file), read-only mode and the listen address, and holds the process's session
// and CSRF values (random, made at start: a restart signs every browser out). Apart from the
// HTTP library so that tests can put requests to it directly. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "web/listen_address.hpp"

namespace zpipe {

// What the guard reads of a request.
struct RequestFacts {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::string host;    // the Host header
  std::string cookie;  // the Cookie header
  std::string authorization;
  std::string csrf;    // the X-CSRF-Token header
  std::string remote;  // the client's address
};

// 0: let it through. Else the status to answer with and why (for a person).
struct AccessVerdict {
  int status = 0;
  std::string reason{};
  std::string redirect{};  // a page request without a session: where to send the browser (303)
  int retry_after_s = 0;   // 429
};

class AccessGuard {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr double kRequestsPerSecond = 100;
  static constexpr double kBurst = 200;

  AccessGuard(std::string token, bool read_only, ListenAddress listen);

  AccessVerdict check(const RequestFacts& request, Clock::time_point now = Clock::now());

  // Whether `offered` is the token, compared in constant time.
  bool is_token(std::string_view offered) const;
  bool needs_token() const { return !token_.empty(); }
  bool read_only() const { return read_only_; }
  // Set-Cookie values: the session a right token at /login earns; the CSRF value every page
  // response carries, which the page's script echoes in X-CSRF-Token on each POST.
  std::string session_cookie() const;
  std::string csrf_cookie() const;

 private:
  bool has_session(const RequestFacts& request) const;
  bool host_allowed(std::string_view host) const;
  bool within_rate(const std::string& remote, Clock::time_point now);

  std::string token_;
  bool read_only_;
  ListenAddress listen_;
  std::string session_;  // random, hex
  std::string csrf_;     // random, hex
  struct Bucket {
    double tokens = kBurst;
    Clock::time_point at{};
  };
  std::mutex rate_mutex_;
  std::map<std::string, Bucket> buckets_;  // by client address
};

// The value of cookie `name` in a Cookie header; empty when absent.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace zpipe
