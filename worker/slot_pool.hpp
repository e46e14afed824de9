// SlotPool: the worker's N job slots, each a thread that runs one handler at a time.
// The poll loop hands jobs in with start() and collects starts and outcomes with take_reports()
// when wake_fd() is readable. Threads share no ZeroMQ socket: a handler that never returns must not
// hold up context shutdown, so slots report through a queue and an eventfd instead.
// Call every method from the poll loop's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/job.hpp"
#include "common/outcome.hpp"
#include "worker/handler.hpp"

namespace zpipe {

struct RunningJob {
  std::string id;
  std::string type;
  std::uint32_t attempt = 1;
  std::uint64_t started_ms = 0;
};

// What the slots did since the poll loop last asked.
struct SlotReport {
  std::vector<RunningJob> started;  // jobs a slot began, in order (they may have finished too)
  std::vector<Outcome> finished;    // in completion order
};

class SlotPool {
 public:
  // Jobs given beyond the `slots` running wait in a queue for one, so that a slot going from one
  // short job to the next needs no round trip through the poll loop; how many the caller gives
  // is its own affair (the worker's credit window).
  SlotPool(std::size_t slots, std::map<std::string, Handler> handlers, std::string worker_name);
  // Cancels running jobs, joins the slots that end within a second, leaves the rest behind.
  ~SlotPool();
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  std::size_t slots() const { return slot_count_; }
  // Slots running a job (every slot, while jobs wait for one).
  std::size_t busy() const { return std::min(given_, slot_count_); }
  // Jobs given and not yet finished: running or waiting for a slot.
  std::size_t outstanding() const { return given_; }

  void start(Job job);
  // The jobs waiting behind busy slots, taken back (to be given back to the ventilator); a job
  // that an idle slot is about to take stays.
  std::vector<Job> take_queued();
  int wake_fd() const;
  // The jobs started and finished since the last call.
  SlotReport take_reports();
  std::vector<RunningJob> running() const;
  // Asks running handlers to return early (their jobs fail as cancelled).
  void cancel_all();

  struct Shared;  // state shared with the slot threads (slot_pool.cpp)

 private:
  std::shared_ptr<Shared> shared_;
  std::size_t slot_count_;
  std::size_t given_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace zpipe
