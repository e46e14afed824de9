// The page's files (web/assets/), built into the program by cmake/embed_files.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace zpipe {

struct WebAsset {
  std::string_view path;  // under web/assets/: "index.html", "app.js"
  std::string_view bytes;
};

const std::vector<WebAsset>& web_assets();

// The Content-Type to serve a file of this name with.
std::string_view content_type_of(std::string_view path);

}  // namespace zpipe
