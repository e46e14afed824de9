// The thumbnail plugin's interface: what zpipe-thumbnail.so exports and the worker loads.
// libvips brings in some 110 shared libraries, 17 to 26 MiB resident as soon as they are loaded
// (see common/plugin_loader.hpp); in a plugin loaded at the first thumbnail job, a worker that
// runs other jobs never holds them.
#pragma once

#include <string>

#include "worker/handler.hpp"

namespace zpipe {

struct ThumbnailPlugin {
  // The zpipe version the plugin was built from: Job and HandlerResult cross between the worker
  // and the plugin as C++ objects, so both must come from one build.
  const char* zpipe_version;
  // Starts libvips (see vips_runtime.hpp): "" or why it cannot.
  const std::string& (*start)();
  HandlerResult (*handle)(const Job& job, const JobContext& context);
};

// The plugin's one exported symbol (extern "C": looked up by name with dlsym).
inline constexpr const char* kThumbnailPluginSymbol = "zpipe_thumbnail_plugin";
inline constexpr const char* kThumbnailPluginFile = "zpipe-thumbnail.so";

}  // namespace zpipe
