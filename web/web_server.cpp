#include "web/web_server.hpp"

#include <thread>

#include "web/api_routes.hpp"
#include "web/http_replies.hpp"
#include "web/metrics_text.hpp"
#include "web/web_assets.hpp"

namespace zpipe {
namespace {

// Threads serving requests: SSE streams hold one each for as long as a page is open.
constexpr std::size_t kServingThreads = WebServer::kMaxStreams + 16;

std::string_view asset(std::string_view path) {
  for (const auto& a : web_assets()) {
    if (a.path == path) return a.bytes;
  }
  return {};
}

void add_security_headers(httplib::Response& res) {
  // Only our own files run; nothing is framed, sniffed or followed elsewhere.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                 "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

RequestFacts facts_of(const httplib::Request& req) {
  return {req.method,
          req.path,
          req.get_header_value("Host"),
          req.get_header_value("Cookie"),
          req.get_header_value("Authorization"),
          req.get_header_value("X-CSRF-Token"),
          req.remote_addr};
}

bool wants_json(const httplib::Request& req) {
  return req.path.starts_with("/api/") ||
         req.get_header_value("Accept").find("application/json") != std::string::npos;
}

}  // namespace

WebServer::WebServer(WebContext context) : context_(std::move(context)) {
  server_.new_task_queue = [] { return new httplib::ThreadPool(kServingThreads); };
  server_.set_payload_max_length(kMaxBodyBytes);
  // A reply is written in two parts, its headers then its body: with Nagle's algorithm the body
  // waits for the browser's acknowledgement of the headers, which a connection kept alive delays
  // by up to 40 ms (measured: pages of /api/jobs took 44 ms instead of 2).
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(5);
  server_.set_read_timeout(10);
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    add_security_headers(res);
    const auto verdict = context_.guard.check(facts_of(req));
    if (verdict.status == 0) {
      res.set_header("Set-Cookie", context_.guard.csrf_cookie());
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (verdict.status == 303) {
      res.status = 303;
      res.set_header("Location", verdict.redirect);
    } else {
      if (verdict.retry_after_s > 0) {
        res.set_header("Retry-After", std::to_string(verdict.retry_after_s));
      }
      reply_error(res, verdict.status, verdict.reason);
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server_.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        context_.log->error("{} {}: {}", req.method, req.path, what);
        reply_error(res, 500, "internal error: " + what);
      });
  server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error
    const auto reason = res.status == 413   ? "request body over 64 KiB"
                        : res.status == 404 ? "no such page: " + req.path
                                            : "HTTP " + std::to_string(res.status);
    if (wants_json(req)) {
      reply_error(res, res.status, reason);
    } else {
      res.set_content(reason + "\n", "text/plain");
    }
  });
  add_page_routes();
  add_stream_route();
  add_metrics_routes();
  add_api_routes(server_, context_);
}

void WebServer::add_page_routes() {
  const auto page = [](std::string_view name) {
    return [name](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(asset(name)), "text/html; charset=utf-8");
      res.set_header("Cache-Control", "no-cache");
    };
  };
  server_.Get("/", page("index.html"));
  server_.Get("/index.html", page("index.html"));
  server_.Get("/assets/([A-Za-z0-9_.-]+)", [](const httplib::Request& req, httplib::Response& res) {
    const auto name = req.matches[1].str();
    const auto bytes = asset(name);
    if (bytes.empty()) {
      res.status = 404;
      return;
    }
    res.set_content(std::string(bytes), std::string(content_type_of(name)));
    res.set_header("Cache-Control", "no-cache");
  });
  server_.Get("/login", page("login.html"));
  server_.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    if (!context_.guard.needs_token()) {
      res.status = 303;
      res.set_header("Location", "/");
      return;
    }
    if (!context_.guard.is_token(req.get_param_value("token"))) {
      context_.log->warn("sign-in with a wrong token from {}", req.remote_addr);
      res.status = 303;
      res.set_header("Location", "/login?error=1");
      return;
    }
    res.status = 303;
    res.set_header("Set-Cookie", context_.guard.session_cookie());
    res.set_header("Location", "/");
  });
  server_.Post("/logout", [](const httplib::Request&, httplib::Response& res) {
    res.status = 303;
    res.set_header("Set-Cookie", "zpipe_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    res.set_header("Location", "/login");
  });
  server_.Get("/healthz", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Accept").find("application/json") == std::string::npos) {
      res.set_content("ok\n", "text/plain");
      return;
    }
    const auto tally = context_.feed.tally();
    const auto digest = context_.feed.latest();
    reply_json(res, {{"ok", true},
                     {"store", tally.store_readable},
                     {"hub", digest.live && !(*digest.live)["hub_silent"].get<bool>()}});
  });
}

void WebServer::add_stream_route() {
  server_.Get("/api/events", [this](const httplib::Request&, httplib::Response& res) {
    if (streams_.fetch_add(1) >= kMaxStreams) {
      streams_.fetch_sub(1);
      reply_error(
          res, 503,
          "too many live streams open: at most " + std::to_string(kMaxStreams) + "; close a page");
      return;
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    auto seen = std::make_shared<std::uint64_t>(0);
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, seen](std::size_t, httplib::DataSink& sink) {
          // One digest a second, whatever the event rate; a comment when none came, so that a
          // closed page is noticed within a second or two.
          const auto digest = context_.feed.wait_newer(*seen, std::chrono::seconds(2));
          std::string message;
          if (digest.live && digest.number > *seen) {
            *seen = digest.number;
            message = "event: live\ndata: " +
                      digest.live->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                      "\n\n";
          } else {
            message = ": waiting\n\n";
          }
          return server_.is_running() && sink.write(message.data(), message.size());
        },
        [this](bool) { streams_.fetch_sub(1); });
  });
}

void WebServer::add_metrics_routes() {
  server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    MetricsFacts facts;
    // A silent ventilator is said by zpipe_up at once, not after its timeouts.
    if (!context_.feed.ventilator_silent())
      context_.facts.with_client([&facts](Client& client) {
        if (auto status = client.status_report(); status.ok()) facts.status = status.value();
        if (auto workers = client.workers(); workers.ok()) facts.workers = workers.value();
        if (auto queues = client.queues(); queues.ok()) facts.queues = queues.value();
      });
    const auto tally = context_.feed.tally();
    facts.histograms = tally.histograms;
    facts.dead_recorded = tally.dead;
    facts.store_readable = tally.store_readable;
    facts.backlog_eta_seconds = context_.feed.backlog_eta_seconds();
    res.set_content(prometheus_text(facts), "text/plain; version=0.0.4; charset=utf-8");
  });
}

Result<int> WebServer::bind() {
  const auto& listen = context_.options.listen;
  const int port = listen.port == 0 ? server_.bind_to_any_port(listen.host)
                   : server_.bind_to_port(listen.host, listen.port) ? listen.port
                                                                    : -1;
  if (port < 0) {
    return Error{ErrorCode::kUnavailable,
                 "cannot listen on " + listen.text(listen.port) +
                     ": the port is in use or the address is not this host's"};
  }
  return port;
}

void WebServer::serve() { server_.listen_after_bind(); }

void WebServer::stop() { server_.stop(); }

}  // namespace zpipe
