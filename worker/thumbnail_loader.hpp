// The worker's thumbnail handler: loads zpipe-thumbnail.so (thumbnail_plugin.hpp) at the first
// thumbnail job, from the folder lib/zpipe beside the worker's bin folder, then hands every
// thumbnail job to it. If the plugin cannot be loaded, thumbnail jobs fail with the reason
// (kUnavailable) and every other handler works as before.
#pragma once

#include <filesystem>
#include <string>

#include "worker/handler.hpp"

namespace zpipe {

HandlerResult thumbnail_via_plugin(const Job& job, const JobContext& context);

// Loads the plugin and starts libvips, once per process (later calls wait for or return the
// first one's answer): "" or why it could not.
const std::string& load_thumbnail_plugin();

}  // namespace zpipe
