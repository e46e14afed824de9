// WebServer: zpipe-web's HTTP side (cpp-httplib): the guard before every route, the page and its
// files, /login, /healthz, /metrics, the SSE stream and the JSON API (api_routes.hpp). Requests
// are served by a pool of threads; the live feed runs on a thread of its own.
#pragma once

#include <httplib.h>

#include <atomic>
#include <string>

#include "web/web_context.hpp"

namespace zpipe {

class WebServer {
 public:
  // Live SSE streams at once; more are refused (503) so that they cannot take every thread.
  static constexpr int kMaxStreams = 32;
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  explicit WebServer(WebContext context);
  // Binds the listen address; the port bound (the one asked, or a free one for port 0), or
  // kUnavailable saying why.
  Result<int> bind();
  // Serves until stop() (from another thread).
  void serve();
  void stop();

 private:
  void add_page_routes();
  void add_stream_route();
  void add_metrics_routes();

  WebContext context_;
  httplib::Server server_;
  std::atomic<int> streams_{0};
};

}  // namespace zpipe
