#include "front/progress_bar.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace zpipe {

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::string format_progress(const Progress& p, std::size_t width) {
  const double rate = p.seconds > 0 ? static_cast<double>(p.finished) / p.seconds : 0.0;
  const auto left = p.total - std::min(p.total, p.finished);
  const int percent = p.total == 0 ? 100 : static_cast<int>(100 * p.finished / p.total);
  char text[160];
  std::snprintf(text, sizeof text, "  %zu/%zu  %3d%%  %.1f images/s  ETA %s", p.finished, p.total,
                percent, rate,
                rate > 0 ? format_duration(static_cast<double>(left) / rate).c_str() : "-:--");
  std::string counts = text;
  if (p.failed > 0) counts += "  " + std::to_string(p.failed) + " failed";
  if (counts.size() + 12 > width) return counts.substr(0, width);
  const auto bar_width = std::min<std::size_t>(40, width - counts.size() - 2);
  const auto filled = p.total == 0 ? bar_width : bar_width * p.finished / p.total;
  return "[" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "]" + counts;
}

}  // namespace zpipe
