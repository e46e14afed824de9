#include "web/web_program.hpp"

#include <poll.h>

#include <iostream>
#include <thread>

#include "common/command_line.hpp"
#include "common/endpoints.hpp"
#include "web/access_guard.hpp"
#include "web/live_feed.hpp"
#include "web/pipeline_facts.hpp"
#include "web/web_server.hpp"

namespace zpipe {
namespace {

// A page waits at most this long for the ventilator: one that is gone is said so quickly.
constexpr std::chrono::milliseconds kReplyTimeout{3000};

}  // namespace

int run_web(const WebOptions& options, const std::shared_ptr<spdlog::logger>& log,
            const StopFlag& stop) {
  const auto store_path = outcome_store_path(options.data_dir);
  LiveFeedConfig feed_config;
  feed_config.events_from = options.events_from;
  feed_config.ventilator = options.ventilator;
  feed_config.curve = options.curve;
  feed_config.store_path = store_path;
  feed_config.target_minutes = options.target_minutes;
  LiveFeed feed(feed_config, log);
  auto client = ClientConfig::to(options.ventilator, kReplyTimeout);
  client.curve = options.curve;
  client.busy_wait = std::chrono::milliseconds(0);
  PipelineFacts facts(client, store_path);
  AccessGuard guard(options.token, options.read_only, options.listen);
  WebServer server({options, guard, facts, feed, log});
  const auto port = server.bind();
  if (!port.ok()) {
    log->critical("{}", port.error().message);
    return kExitFailure;
  }
  const auto url = "http://" + options.listen.text(port.value()) + "/";
  log->info("serving {} from the store {}, the ventilator {} and the events of {}{}{}", url,
            store_path.string(), options.ventilator, options.events_from,
            options.token.empty() ? "" : "; a token is needed",
            options.read_only ? "; read-only" : "");
  std::cout << "zpipe-web: serving " << url << std::endl;
  log->info("ready");

  std::thread feed_thread([&] {
    block_stop_signals_in_this_thread();
    feed.run(stop);
  });
  std::thread serve_thread([&] {
    block_stop_signals_in_this_thread();
    server.serve();
  });
  pollfd wait_for_stop{stop.fd(), POLLIN, 0};
  while (!stop.is_stop_requested()) ::poll(&wait_for_stop, 1, 1000);
  server.stop();
  serve_thread.join();
  feed_thread.join();
  log->info("stopped");
  return kExitOk;
}

}  // namespace zpipe
