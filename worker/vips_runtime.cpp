#include "worker/vips_runtime.hpp"

#include <cstdlib>
#include <sstream>
#include <vector>

#include <vips/vips8>

namespace zpipe {
namespace {

std::string strip_domain(std::string line) {
  // "VipsJpeg: Premature end of input file" -> "Premature end of input file"
  const auto colon = line.find(": ");
  if (colon != std::string::npos && line.compare(0, 4, "Vips") == 0 && line.find(' ') > colon) {
    line.erase(0, colon + 2);
  }
  return line;
}

}  // namespace

const std::string& start_vips() {
  static const std::string failure = [] {
    if (VIPS_INIT("zpipe-worker") != 0) {
      std::string why = vips_error_buffer();
      vips_error_clear();
      return "libvips did not start: " + (why.empty() ? std::string("unknown reason") : why);
    }
    if (std::getenv("VIPS_CONCURRENCY") == nullptr) vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // A damaged image makes vips warn once per tile on stderr ("error in tile 0 x 224"); the
    // job's failure already carries the reason, so the worker's log is spared the flood.
    g_log_set_handler(
        "VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {},
        nullptr);
    std::atexit([] { vips_shutdown(); });
    return std::string();
  }();
  return failure;
}

std::string take_vips_error(const std::string& what, const std::string& path) {
  vips_error_clear();  // vips locks its buffer itself
  std::vector<std::string> lines;
  std::istringstream in(what);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return "libvips failed without saying why";
  for (const auto& line : lines) {
    if (line.find(path) != std::string::npos) return strip_domain(line);
  }
  // The image is saved to memory as it is read: a read that fails ends the save too, and the
  // saver's "unable to write to target" only hides the reader's reason, said before it.
  const auto consequence = [](const std::string& line) {
    return line.find("unable to write to target") != std::string::npos;
  };
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    if (!consequence(*line)) return strip_domain(*line);
  }
  return strip_domain(lines.back());
}

}  // namespace zpipe
