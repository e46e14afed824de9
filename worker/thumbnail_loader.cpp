#include "worker/thumbnail_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <string_view>

#include "common/version.hpp"
#include "worker/thumbnail_plugin.hpp"

namespace zpipe {
namespace {

const ThumbnailPlugin* plugin = nullptr;  // set once by load_thumbnail_plugin()

std::string load() {
  const auto path = thumbnail_plugin_path();
  // Never unloaded: libvips' threads and handlers stay until the process ends.
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    return "thumbnail support is not available: cannot load " + path.string() + ": " +
           (why != nullptr ? why : "unknown error") +
           " (set ZPIPE_PLUGIN_DIR to the folder holding " + kThumbnailPluginFile + ")";
  }
  using Entry = const ThumbnailPlugin* (*)();
  auto* entry = reinterpret_cast<Entry>(::dlsym(library, kThumbnailPluginSymbol));
  if (entry == nullptr) return path.string() + " is not a zpipe thumbnail plugin";
  const auto* found = entry();
  if (std::string_view(found->zpipe_version) != kZpipeVersion) {
    return path.string() + " comes from zpipe " + found->zpipe_version + ", this worker is " +
           std::string(kZpipeVersion) + ": install both from one build";
  }
  if (const auto& failure = found->start(); !failure.empty()) return failure;
  plugin = found;
  return "";
}

}  // namespace

std::filesystem::path thumbnail_plugin_path() {
  if (const char* dir = std::getenv("ZPIPE_PLUGIN_DIR"); dir != nullptr && *dir != '\0') {
    return std::filesystem::path(dir) / kThumbnailPluginFile;
  }
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return self.parent_path().parent_path() / "lib" / "zpipe" / kThumbnailPluginFile;
}

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
