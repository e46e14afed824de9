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
  // The event's `queue` field equals this: the events of jobs that say their queue
  // (names_job_queue(), which leave out "default"), and queue.paused and queue.resumed.
  std::string queue;
  // The event's `batch` field equals this: the events of the batch's jobs that say their batch
  // (those from workers), and batch.opened and batch.sealed.
  std::string batch;
  // Also the periodic events (heartbeats, state snapshots), which otherwise show only when a
  // --topic names them in full or --status asks for them.
  bool verbose = false;

  bool matches(const Event& event) const;
};

// Whether `name` is one of the events every component repeats each second (worker.heartbeat,
// ventilator.state, sink.state): the pipeline's pulse rather than something that happened.
bool is_periodic_event(const std::string& name);

// Whether `event` says which queue its job is in: job.accepted (from the ventilator),
// job.started, job.succeeded, job.failed, job.released and a worker's job.cancelled. They carry a
// `queue` field when it is not "default", and none when it is.
bool names_job_queue(const Event& event);

}  // namespace zpipe
