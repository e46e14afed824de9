#include "common/plugin_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace zpipe {

std::filesystem::path plugin_path(std::string_view file) {
  if (const char* dir = std::getenv("ZPIPE_PLUGIN_DIR"); dir != nullptr && *dir != '\0') {
    return std::filesystem::path(dir) / file;
  }
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return self.parent_path().parent_path() / "lib" / "zpipe" / file;
}

Result<const void*> load_plugin_entry(std::string_view file, const char* symbol) {
  const auto path = plugin_path(file);
  // Never unloaded: libvips' threads and handlers stay until the process ends.
  void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    // dlerror() names the file itself ("/x/zpipe-images.so: cannot open shared object ...").
    const char* why = ::dlerror();
    std::string reason = why != nullptr ? why : "unknown error";
    if (reason.find(path.string()) == std::string::npos) reason = path.string() + ": " + reason;
    return Error{ErrorCode::kUnavailable, "cannot load " + reason +
                                              " (set ZPIPE_PLUGIN_DIR to the folder holding " +
                                              std::string(file) + ")"};
  }
  using Entry = const void* (*)();
  auto* entry = reinterpret_cast<Entry>(::dlsym(library, symbol));
  if (entry == nullptr) {
    return Error{ErrorCode::kUnavailable,
                 path.string() + " is not a zpipe plugin (no " + std::string(symbol) + ")"};
  }
  return entry();
}

}  // namespace zpipe
