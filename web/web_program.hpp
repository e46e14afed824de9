// WebProgram: zpipe-web's run: the live feed on a thread of its own, the HTTP server on
// another, until a stop is requested. Apart from main() so that its pieces are put together in
// one place.
#pragma once

#include <memory>

#include <spdlog/spdlog.h>

#include "common/stop_flag.hpp"
#include "web/web_options.hpp"

namespace zpipe {

// Serves until `stop`; the exit code. Says where it listens on stdout ("zpipe-web: serving
// http://127.0.0.1:8080/"), once it does.
int run_web(const WebOptions& options, const std::shared_ptr<spdlog::logger>& log,
            const StopFlag& stop);

}  // namespace zpipe
