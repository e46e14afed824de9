// The API's reads of recorded jobs (docs/HTTP.md): /api/jobs (keyset pages with filters),
// /api/jobs/ID (what `zpipe show ID --json` prints) and /api/metrics (per type, over a window).
#pragma once

#include <httplib.h>

#include "web/web_context.hpp"

namespace zpipe {

void add_jobs_routes(httplib::Server& server, WebContext& context);

}  // namespace zpipe
