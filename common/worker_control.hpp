// Pausing, resuming and stopping one worker from afar: the request to the ventilator
// ("worker_control"), its answer ("worker_control_reply"), and the order the ventilator passes
// on to that worker over the jobs socket ("control"). A worker acts on an order exactly as on
// the signal of the same meaning: SIGUSR2 (pause), SIGCONT (resume), SIGTERM (stop).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zpipe {

enum class WorkerAction {
  kPause,   // take no new jobs; those running finish
  kResume,  // take jobs again
  kStop,    // the graceful stop: take nothing more, finish what runs (up to --grace), exit
};
std::string_view to_string(WorkerAction action);
std::optional<WorkerAction> worker_action_from(std::string_view text);

// Producer to ventilator. Answered by WorkerControlReply once the order is on its way to the
// worker, or by SubmitRefused: kNotFound (no worker of that name), kAmbiguous (several: the
// message lists them), kUnsupported (the worker does not take orders: an older zpipe).
struct WorkerControl {
  std::uint64_t req = 0;
  // The worker as `zpipe workers` lists it: its name, or its process (host:pid), which tells
  // apart workers that share a name.
  std::string worker;
  WorkerAction action = WorkerAction::kPause;
  std::string by{};        // who asks ("alice@web1"), for the worker's log and events
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const WorkerControl&, const WorkerControl&) = default;
};

struct WorkerControlReply {
  std::uint64_t req = 0;
  std::string worker;     // the name of the worker the order went to
  std::string process{};  // its host:pid, when it says it and it is not the name
  WorkerAction action = WorkerAction::kPause;
  std::string pipeline{};
  friend bool operator==(const WorkerControlReply&, const WorkerControlReply&) = default;
};

// Ventilator to worker ("control"), on the jobs socket. A worker says that it takes these in
// its heartbeats (Heartbeat::takes_control); one that does not is never sent one.
struct ControlWorker {
  WorkerAction action = WorkerAction::kPause;
  std::string by{};
  friend bool operator==(const ControlWorker&, const ControlWorker&) = default;
};

}  // namespace zpipe
