// ScreenHold: what 'p' holds on the dashboard: the view, its clock and the time of day as they
// were, so that a paused screen shows the same data until it is unpaused, however often it is
// redrawn or scrolled, while the live view goes on taking events underneath.
#pragma once

#include <cstdint>
#include <optional>

#include "monitor/pipeline_view.hpp"

namespace zpipe {

class ScreenHold {
 public:
  using Clock = PipelineView::Clock;

  // What to draw: a view and the moment it is shown at.
  struct Frame {
    const PipelineView& view;
    Clock::time_point now;
    std::uint64_t wall_ms;
    std::uint64_t malformed_events;
  };

  // Holds a copy of `live` as of `now` / `wall_ms` until release().
  void hold(const PipelineView& live, Clock::time_point now, std::uint64_t wall_ms,
            std::uint64_t malformed_events) {
    held_.emplace(Held{live, now, wall_ms, malformed_events});
  }
  void release() { held_.reset(); }
  bool is_held() const { return held_.has_value(); }

  // What was held, or else `live` as of the moment given. The frame refers to `live` or to this
  // hold: valid until the next hold(), release() or change to `live`.
  Frame frame(const PipelineView& live, Clock::time_point now, std::uint64_t wall_ms,
              std::uint64_t malformed_events) const {
    if (held_) return Frame{held_->view, held_->now, held_->wall_ms, held_->malformed_events};
    return Frame{live, now, wall_ms, malformed_events};
  }
  const PipelineView& view(const PipelineView& live) const { return held_ ? held_->view : live; }

 private:
  struct Held {
    PipelineView view;
    Clock::time_point now;
    std::uint64_t wall_ms;
    std::uint64_t malformed_events;
  };
  std::optional<Held> held_;
};

}  // namespace zpipe
