// FailureScrollAnchor: keeps the failure list still under the reader. Failures arrive at the
// top (newest first), so a list scrolled down keeps showing the same rows only if its first row
// moves down by as many as arrived. Scrolled to the top, it follows the newest.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "monitor/pipeline_view.hpp"

namespace zpipe {

class FailureScrollAnchor {
 public:
  // The first row to show of `view`'s failures for a list that was at `scroll` when last shown
  // (by this anchor); within the list. Call once per drawing.
  int follow(int scroll, const PipelineView& view) {
    const auto seen = view.failures_seen();
    if (scroll > 0 && seen_ && seen > *seen_) {
      scroll = static_cast<int>(std::min<std::uint64_t>(
          static_cast<std::uint64_t>(scroll) + (seen - *seen_), PipelineView::kFailuresKept));
    }
    seen_ = seen;
    const auto rows = static_cast<int>(view.failures().size());
    return std::clamp(scroll, 0, std::max(0, rows - 1));
  }
  // The list starts again from the top (another list was shown meanwhile).
  void reset() { seen_.reset(); }

 private:
  std::optional<std::uint64_t> seen_;  // failures_seen() when last shown
};

}  // namespace zpipe
