// Event: one thing that happened in a component, published for monitors. The topic (first
// frame on the wire) is the event's name, so subscribers can filter by prefix ("job.").
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace zpipe {

struct Event {
  std::string name;           // "job.started", "worker.up", "input.refused", ...
  std::string source;         // "worker host:1234", "ventilator host:99", ...
  std::uint64_t seq = 0;      // per source, from 1; a gap means missed events
  std::uint64_t time_ms = 0;  // Unix ms
  // Event-specific fields (job, type, attempt, error, counts...), strings or numbers as text.
  std::map<std::string, std::string> fields;

  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace zpipe
