#include "web/access_guard.hpp"

#include <gtest/gtest.h>

namespace zpipe {
namespace {

const ListenAddress kLoopback{"127.0.0.1", 8080};
const ListenAddress kEverywhere{"0.0.0.0", 8080};
const std::string kToken = "0123456789abcdef-token";

RequestFacts get(std::string path, std::string host = "127.0.0.1:8080") {
  RequestFacts r;
  r.method = "GET";
  r.path = std::move(path);
  r.host = std::move(host);
  r.remote = "127.0.0.1";
  return r;
}

RequestFacts post(std::string path) {
  auto r = get(std::move(path));
  r.method = "POST";
  return r;
}

// The value part of a Set-Cookie string ("name=value; ...").
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::string csrf_of(const AccessGuard& guard) {
  const auto pair = cookie_pair(guard.csrf_cookie());
  return pair.substr(pair.find('=') + 1);
}

TEST(AccessGuard, WithoutATokenPagesAndApiAreOpenOnLoopback) {
  AccessGuard guard("", false, kLoopback);
  EXPECT_EQ(guard.check(get("/")).status, 0);
  EXPECT_EQ(guard.check(get("/api/status")).status, 0);
  EXPECT_EQ(guard.check(get("/metrics", "localhost:8080")).status, 0);
}

TEST(AccessGuard, WithoutATokenAForeignHostNameIsRefusedAgainstDnsRebinding) {
  AccessGuard guard("", false, kLoopback);
  const auto verdict = guard.check(get("/api/status", "evil.example:8080"));
  EXPECT_EQ(verdict.status, 421);
  EXPECT_NE(verdict.reason.find("evil.example"), std::string::npos) << verdict.reason;
}

TEST(AccessGuard, WithATokenPagesGoToLoginAndTheApiIsRefused) {
  AccessGuard guard(kToken, false, kEverywhere);
  const auto page = guard.check(get("/", "zpipe.example"));
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.redirect, "/login");
  EXPECT_EQ(guard.check(get("/api/jobs", "zpipe.example")).status, 401);
  EXPECT_EQ(guard.check(get("/metrics", "zpipe.example")).status, 401);
  EXPECT_EQ(guard.check(get("/login", "zpipe.example")).status, 0) << "the sign-in page";
  EXPECT_EQ(guard.check(get("/healthz", "zpipe.example")).status, 0) << "health needs no token";
}

TEST(AccessGuard, TheBearerTokenOrTheSessionCookieLetsIn) {
  AccessGuard guard(kToken, false, kEverywhere);
  auto bearer = get("/api/status", "zpipe.example");
  bearer.authorization = "Bearer " + kToken;
  EXPECT_EQ(guard.check(bearer).status, 0);
  bearer.authorization = "Bearer " + kToken + "x";
  EXPECT_EQ(guard.check(bearer).status, 401) << "a longer token is not the token";
  bearer.authorization = "Bearer " + kToken.substr(1);
  EXPECT_EQ(guard.check(bearer).status, 401);

  auto browser = get("/", "zpipe.example");
  browser.cookie = "other=1; " + cookie_pair(guard.session_cookie());
  EXPECT_EQ(guard.check(browser).status, 0);
  browser.cookie = "zpipe_session=0000";
  EXPECT_EQ(guard.check(browser).status, 303);
}

TEST(AccessGuard, TheSessionCookieIsHttpOnlyAndSameSiteStrict) {
  AccessGuard guard(kToken, false, kEverywhere);
  EXPECT_NE(guard.session_cookie().find("; HttpOnly"), std::string::npos);
  EXPECT_NE(guard.session_cookie().find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(guard.csrf_cookie().find("; SameSite=Strict"), std::string::npos);
  AccessGuard other(kToken, false, kEverywhere);
  EXPECT_NE(cookie_pair(guard.session_cookie()), cookie_pair(other.session_cookie()))
      << "each run makes its own";
}

TEST(AccessGuard, APostNeedsTheCsrfHeaderMatchingItsCookie) {
  AccessGuard guard("", false, kLoopback);
  auto action = post("/api/jobs/a-1/retry");
  EXPECT_EQ(guard.check(action).status, 403) << "no header";
  const auto csrf = csrf_of(guard);
  action.csrf = csrf;
  EXPECT_EQ(guard.check(action).status, 403) << "header without the cookie";
  action.cookie = "zpipe_csrf=" + csrf;
  EXPECT_EQ(guard.check(action).status, 0);
  action.csrf = csrf.substr(1) + "0";
  action.cookie = "zpipe_csrf=" + action.csrf;
  EXPECT_EQ(guard.check(action).status, 403) << "a value this run did not make";
}

TEST(AccessGuard, ABearerPostNeedsNoCsrfHeader) {
  AccessGuard guard(kToken, false, kEverywhere);
  auto action = post("/api/dead/retry");
  action.authorization = "Bearer " + kToken;
  EXPECT_EQ(guard.check(action).status, 0);
}

TEST(AccessGuard, ReadOnlyRefusesEveryActionButReadsAll) {
  AccessGuard guard("", true, kEverywhere);
  auto action = post("/api/queues/mail/pause");
  action.csrf = csrf_of(guard);
  action.cookie = "zpipe_csrf=" + action.csrf;
  const auto verdict = guard.check(action);
  EXPECT_EQ(verdict.status, 403);
  EXPECT_NE(verdict.reason.find("read-only"), std::string::npos) << verdict.reason;
  EXPECT_EQ(guard.check(get("/api/jobs", "zpipe.example")).status, 0);
}

TEST(AccessGuard, OtherMethodsAreRefused) {
  AccessGuard guard("", false, kLoopback);
  auto put = get("/api/jobs/a-1");
  put.method = "DELETE";
  EXPECT_EQ(guard.check(put).status, 405);
}

TEST(AccessGuard, AClientOverItsRateIsToldToWait) {
  AccessGuard guard("", false, kLoopback);
  const auto start = AccessGuard::Clock::now();
  int refused = 0;
  for (int i = 0; i < 250; ++i) {
    const auto verdict = guard.check(get("/api/status"), start);
    if (verdict.status == 429) {
      ++refused;
      EXPECT_EQ(verdict.retry_after_s, 1);
    }
  }
  EXPECT_EQ(refused, 250 - static_cast<int>(AccessGuard::kBurst));
  auto other = get("/api/status");
  other.remote = "10.0.0.2";
  EXPECT_EQ(guard.check(other, start).status, 0) << "each client has its own allowance";
  EXPECT_EQ(guard.check(get("/api/status"), start + std::chrono::milliseconds(50)).status, 0)
      << "the allowance comes back with time";
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; zpipe_csrf=abc; b=2", "zpipe_csrf"), "abc");
  EXPECT_EQ(cookie_value("zpipe_csrfx=1", "zpipe_csrf"), "");
  EXPECT_EQ(cookie_value("", "zpipe_csrf"), "");
}

}  // namespace
}  // namespace zpipe
