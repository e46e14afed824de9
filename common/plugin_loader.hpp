// Plugins: shared objects of zpipe's own (zpipe-thumbnail.so for the worker, zpipe-images.so
// for the front) that hold libvips, loaded by a program only when it needs them. libvips brings
// some 110 shared libraries, 17 to 26 MiB resident once loaded (a worker: 7 MiB without them,
// 24 to 33 with); a program that never draws or thumbnails never loads them.
//
// A plugin exports one extern "C" function, its entry, returning a pointer to a table of
// function pointers whose first member is `const char* zpipe_version`: C++ objects cross
// between the program and the plugin, so both must come from one build.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "common/version.hpp"

namespace zpipe {

// Where plugin `file` is looked for: $ZPIPE_PLUGIN_DIR if set, else EXE_DIR/../lib/zpipe (the
// build's and the installation's layout).
std::filesystem::path plugin_path(std::string_view file);

// dlopen()s plugin `file` (never unloaded) and calls its entry `symbol`. Fails with
// kUnavailable and the reason (not found, not a zpipe plugin, from another zpipe version),
// which says to set ZPIPE_PLUGIN_DIR.
Result<const void*> load_plugin_entry(std::string_view file, const char* symbol);

// load_plugin_entry() as the table type the plugin's entry returns, its version checked.
template <class Table>
Result<const Table*> load_plugin(std::string_view file, const char* symbol) {
  auto entry = load_plugin_entry(file, symbol);
  if (!entry.ok()) return entry.error();
  const auto* table = static_cast<const Table*>(entry.value());
  if (std::string_view(table->zpipe_version) != kZpipeVersion) {
    return Error{ErrorCode::kUnavailable, plugin_path(file).string() + " comes from zpipe " +
                                              table->zpipe_version + ", this program is " +
                                              std::string(kZpipeVersion) +
                                              ": install both from one build"};
  }
  return table;
}

// load_plugin(), then the table's `start()` (which starts the library the plugin holds, and
// returns "" or why it cannot): the plugin ready for use, or why not (kUnavailable).
template <class Table>
Result<const Table*> load_and_start_plugin(std::string_view file, const char* symbol) {
  auto loaded = load_plugin<Table>(file, symbol);
  if (!loaded.ok()) return loaded;
  if (const auto& failure = loaded.value()->start(); !failure.empty()) {
    return Error{ErrorCode::kUnavailable, failure};
  }
  return loaded;
}

}  // namespace zpipe
