#include "worker/thumbnail_loader.hpp"

#include "common/plugin_loader.hpp"
#include "worker/thumbnail_plugin.hpp"

namespace zpipe {
namespace {

const ThumbnailPlugin* plugin = nullptr;  // set once by load_thumbnail_plugin()

std::string load() {
  auto loaded =
      load_and_start_plugin<ThumbnailPlugin>(kThumbnailPluginFile, kThumbnailPluginSymbol);
  if (!loaded.ok()) return "thumbnail support is not available: " + loaded.error().message;
  plugin = loaded.value();
  return "";
}

}  // namespace

const std::string& load_thumbnail_plugin() {
  static const std::string failure = load();  // thread-safe, once
  return failure;
}

HandlerResult thumbnail_via_plugin(const Job& job, const JobContext& context) {
  if (const auto& failure = load_thumbnail_plugin(); !failure.empty()) {
    return fail(Error{ErrorCode::kUnavailable, failure});
  }
  return plugin->handle(job, context);
}

}  // namespace zpipe
