// FakeVentilator: one real zpipe-worker with a test standing in for the ventilator, the sink and
// the event hub around it, so that the test sends it what a ventilator would (jobs, cancel_jobs,
// heartbeats) and sees what it says back (credit, outcomes, events). The worker is started on
// construction, with its log in a temporary directory, and killed and reaped on destruction.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "common/event.hpp"
#include "common/job_credit.hpp"
#include "common/message.hpp"
#include "common/outcome.hpp"
#include "front/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace zpipe::test {

class FakeVentilator {
 public:
  // Starts `program` (a path) with `args` and the endpoints of this stand-in; waits (up to 20 s)
  // for its first credit and for its first event. Throws when either does not come.
  FakeVentilator(const std::string& program, const std::vector<std::string>& args);

  // The worker's first message on the jobs socket: its first credit.
  const Credit& first_credit() const { return first_credit_; }
  // Sends one message to the worker on its jobs socket.
  void send(const std::string& body);
  // The next message from the worker on the jobs socket (credit, heartbeat, release), or
  // std::nullopt after `timeout`.
  std::optional<Message> next_from_worker(std::chrono::milliseconds timeout);
  // The next outcome the worker sends to the sink, or std::nullopt after `timeout`.
  std::optional<Outcome> next_outcome(std::chrono::milliseconds timeout);
  // The first event (from now on) that `wanted` accepts, or std::nullopt after `timeout`.
  std::optional<Event> wait_for_event(const std::function<bool(const Event&)>& wanted,
                                      std::chrono::milliseconds timeout);
  std::string log() const;
  ChildProcess& worker() { return *worker_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  zmq::context_t context_;
  zmq::socket_t jobs_;
  zmq::socket_t outcomes_;
  zmq::socket_t events_;
  std::optional<ChildProcess> worker_;
  std::string identity_;
  Credit first_credit_;
  std::deque<Outcome> outcomes_received_;
};

}  // namespace zpipe::test
