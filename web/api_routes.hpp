// The JSON API under /api/ (docs/HTTP.md): each read answers what the matching `zpipe ... --json`
// command prints, built by the same functions (front/*_json.hpp); each action does what the
// matching command does. The SSE stream is WebServer's.
#pragma once

#include <httplib.h>

#include "web/web_context.hpp"

namespace zpipe {

void add_api_routes(httplib::Server& server, WebContext& context);

}  // namespace zpipe
