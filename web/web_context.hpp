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
};

}  // namespace zpipe
