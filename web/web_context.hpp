// What zpipe-web's request handlers share: its options, the access rules, the facts they ask
// for and the live feed.
#pragma once

#include <memory>

#include <spdlog/spdlog.h>

#include "web/access_guard.hpp"
#include "web/live_feed.hpp"
#include "web/pipeline_facts.hpp"
#include "web/web_options.hpp"

namespace zpipe {

struct WebContext {
  const WebOptions& options;
  AccessGuard& guard;
  PipelineFacts& facts;
  LiveFeed& feed;
  std::shared_ptr<spdlog::logger> log;

  // Asks the ventilator through the shared client for what a page reads, unless the live feed
  // finds it silent (gone, stopped or swamped): then kUnavailable at once, rather than every
  // page waiting out the reply timeout in turn. Actions still ask: they matter enough to wait.
  template <class Ask>
  auto read_from_ventilator(Ask&& ask) -> decltype(ask(std::declval<Client&>())) {
    if (feed.ventilator_silent()) {
      return Error{ErrorCode::kUnavailable, "the ventilator at " + options.ventilator +
                                                " has not answered for over a second"};
    }
    return facts.with_client(std::forward<Ask>(ask));
  }
};

}  // namespace zpipe
