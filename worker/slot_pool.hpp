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
#include <optional>
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
  std::string queue{kDefaultQueue};
  std::string batch{};  // empty: none
};

// What the slots did since the poll loop last asked.
struct SlotReport {
  std::vector<RunningJob> started;  // jobs a slot began, in order (they may have finished too)
  std::vector<Outcome> finished;    // in completion order
  // Attempts given up on (give_up_on()) whose handler has now returned: their outcome went out
  // already, and their slot is free again.
  std::size_t given_up_returned = 0;
};

// What cancel() found of the attempt it was asked to stop.
struct CancelFound {
  enum class Where {
    kNotHeld,  // not here (over already, given back, never sent): nothing to do
    kRunning,  // its cancellation is raised; its outcome comes when its handler returns
    kWaiting,  // it was waiting for a slot: taken out, `outcome` says it is cancelled
  };
  Where where = Where::kNotHeld;
  std::optional<Outcome> outcome{};
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
  // Cancels attempt `attempt` of job `id` for `by` (who asked, for the record; may be empty).
  // One waiting for a slot is taken out at once, its outcome returned (status cancelled). A
  // running one has its own cancellation raised (JobContext::is_cancelled(); other jobs run
  // on), and its outcome, unless the handler still succeeds, is recorded as cancelled by `by`.
  CancelFound cancel(const std::string& id, std::uint32_t attempt, const std::string& by);
  // For a cancelled attempt whose handler has not returned in time: its cancelled outcome, to be
  // sent now in place of the handler's, which is dropped when it comes. Its slot stays busy
  // (outstanding()) until the handler returns. std::nullopt when the handler has returned
  // already (its outcome is in the reports) or the attempt was not cancelled.
  std::optional<Outcome> give_up_on(const std::string& id, std::uint32_t attempt);

  struct Shared;  // state shared with the slot threads (slot_pool.cpp)

 private:
  std::shared_ptr<Shared> shared_;
  std::size_t slot_count_;
  std::size_t given_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace zpipe
