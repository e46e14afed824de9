#include "front/image_tools.hpp"

#include <stdexcept>

#include "common/plugin_loader.hpp"

namespace zpipe {

const ImageTools& image_tools() {
  static const auto loaded = load_and_start_plugin<ImageTools>(kImageToolsFile, kImageToolsSymbol);
  if (!loaded.ok())
    throw std::runtime_error("image support is not available: " + loaded.error().message);
  return *loaded.value();
}

}  // namespace zpipe
