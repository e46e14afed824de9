// EventFilter: which events `zpipe-monitor tail` shows. Every given criterion must match.
#pragma once

#include <string>
#include <vector>

#include "common/event.hpp"

namespace zpipe {

struct EventFilter {
  std::vector<std::string> topics;  // name prefixes ("job.", "worker.up"); empty: any
  std::string type;                 // the job type field equals this
  std::string status;  // the name ends with ".<status>": accepted, started, succeeded, failed, ...
  std::string worker;  // a worker name (its events' source, or the worker field) contains this
  std::string job;     // the job field equals this
  // Also the periodic events (heartbeats, state snapshots), which otherwise show only when a
  // --topic names them in full or --status asks for them.
  bool verbose = false;

  bool matches(const Event& event) const;
};

// Whether `name` is one of the events every component repeats each second (worker.heartbeat,
// ventilator.state, sink.state): the pipeline's pulse rather than something that happened.
bool is_periodic_event(const std::string& name);

}  // namespace zpipe
