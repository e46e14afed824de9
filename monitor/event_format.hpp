// How `zpipe-monitor tail` writes one event: a readable line or one JSON object.
#pragma once

#include <string>

#include "common/event.hpp"

namespace zpipe {

// "18:10:23.123 job.failed      worker host:12  job=ab-1 type=fail error=boom"; local time.
// With `color`, the name is coloured by what happened (ANSI escapes, for a terminal).
std::string format_event_line(const Event& event, bool color = false);
// {"name":..., "source":..., "seq":N, "time_ms":N, "fields":{...}} on one line. Field values
// written as numbers are JSON numbers ("attempt":2, "busy_pct":50), except in the fields that
// always carry text (job, type, error, ...).
std::string format_event_json(const Event& event);

}  // namespace zpipe
