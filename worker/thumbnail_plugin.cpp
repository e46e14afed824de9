// zpipe-thumbnail.so: the thumbnail handler and libvips, for the worker to load when needed.
#include "worker/thumbnail_plugin.hpp"

#include "common/version.hpp"
#include "worker/thumbnail_handler.hpp"
#include "worker/vips_runtime.hpp"

namespace {

constexpr zpipe::ThumbnailPlugin kPlugin{zpipe::kZpipeVersion.data(), zpipe::start_vips,
                                         zpipe::thumbnail_handler};

}  // namespace

extern "C" __attribute__((visibility("default"))) const zpipe::ThumbnailPlugin*
zpipe_thumbnail_plugin() {
  return &kPlugin;
}
