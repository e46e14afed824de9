#include "front/image_tools.hpp"

#include <stdexcept>

#include "common/plugin_loader.hpp"

namespace zpipe {

const ImageTools& image_tools() {
  static const Result<const ImageTools*> loaded = [] {
    auto tools = load_plugin<ImageTools>(kImageToolsFile, kImageToolsSymbol);
    if (!tools.ok()) return tools;
    if (const auto& failure = tools.value()->start(); !failure.empty()) {
      return Result<const ImageTools*>(Error{ErrorCode::kUnavailable, failure});
    }
    return tools;
  }();
  if (!loaded.ok())
    throw std::runtime_error("image support is not available: " + loaded.error().message);
  return *loaded.value();
}

}  // namespace zpipe
