#include "worker/slot_pool.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <tuple>
#include <utility>

#include "common/clock.hpp"
#include "common/stop_flag.hpp"

namespace zpipe {

// One attempt a slot runs, from the moment it takes the job off the queue (under the same lock,
// so that a cancel never misses a job between the queue and its slot).
struct SlotAttempt {
  RunningJob running;
  const Job* job = nullptr;                 // the slot thread's own, alive while this entry is
  std::atomic<bool> cancelled{false};       // its JobContext's cancellation
  std::optional<std::string> cancelled_by;  // set: a user cancelled it (by whom)
  bool given_up = false;                    // its cancelled outcome went out without it
};

struct SlotPool::Shared {
  std::map<std::string, Handler> handlers;
  std::string worker_name;
  std::mutex mutex;
  std::condition_variable work_ready;
  std::deque<Job> queue;
  SlotReport report;  // for the poll loop; it is woken when this stops being empty
  // By id and attempt; a multimap, as a ventilator may send an attempt again while it runs.
  std::multimap<std::pair<std::string, std::uint32_t>, SlotAttempt> running;
  std::size_t exited = 0;
  std::size_t active = 0;  // slot threads between taking a job and handing in its outcome
  std::size_t slots = 0;
  bool stopping = false;
  bool cancelled = false;  // cancel_all(): every attempt, running or to come, is cancelled
  int wake_fd = -1;

  ~Shared() { ::close(wake_fd); }
  // Call with `mutex` held, before adding to `report`: one wake-up for however much piles up
  // before the poll loop takes it, so that with jobs queued ahead a slot goes from one job to
  // the next without a thread switch.
  void wake_if_first() {
    if (!report.started.empty() || !report.finished.empty() || report.given_up_returned != 0) {
      return;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  }
};

namespace {

std::string handled_types(const std::map<std::string, Handler>& handlers) {
  std::string types;
  for (const auto& [type, handler] : handlers) types += (types.empty() ? "" : ", ") + type;
  return types;
}

HandlerResult run_handler(SlotPool::Shared& shared, const Job& job, const JobContext& context) {
  const auto it = shared.handlers.find(job.type);
  if (it == shared.handlers.end()) {
    return fail(Error{ErrorCode::kUnknownType,
                      "no handler for job type '" + job.type + "' on worker " + shared.worker_name +
                          " (it handles: " + handled_types(shared.handlers) + ")"});
  }
  try {
    return it->second(job, context);
  } catch (...) {
    return fail_with_current_exception();
  }
}

// The outcome of `job` before anything is known of how it went.
Outcome outcome_for(const Job& job, const std::string& worker_name) {
  Outcome outcome;
  outcome.id = job.id;
  outcome.type = job.type;
  outcome.attempt = job.attempt;
  outcome.max_attempts = job.max_attempts;
  outcome.created_ms = job.created_ms;
  outcome.worker = worker_name;
  if (job.queue != kDefaultQueue) outcome.queue = job.queue;
  outcome.parent = job.parent;
  outcome.batch = job.batch;
  outcome.then = job.then;
  return outcome;
}

// A user cancelled it: recorded as such, whatever the handler made of its cancellation (what
// it returned, such as an exec job's output so far, stays as the result).
void mark_cancelled(Outcome& outcome, const std::string& by) {
  outcome.status = OutcomeStatus::kCancelled;
  outcome.error_code = std::string(to_string(ErrorCode::kCancelled));
  outcome.error = by.empty() ? "cancelled" : "cancelled by " + by;
}

// The outcome of a job cancelled without its handler: now, with no run time.
Outcome cancelled_outcome(const Job& job, const std::string& worker_name, const std::string& by,
                          std::uint64_t started_ms) {
  auto outcome = outcome_for(job, worker_name);
  mark_cancelled(outcome, by);
  outcome.finished_ms = unix_ms_now();
  outcome.started_ms = started_ms != 0 ? started_ms : outcome.finished_ms;
  return outcome;
}

// Runs one job to its outcome. Handler failures are outcomes already; anything else thrown
// here (out of memory in the bookkeeping) still ends as a failed outcome, never as an exception
// leaving the thread.
Outcome run_one(SlotPool::Shared& shared, const Job& job, const std::atomic<bool>& cancelled,
                std::uint64_t started_ms) {
  Outcome outcome = outcome_for(job, shared.worker_name);
  outcome.started_ms = started_ms;
  const auto started = std::chrono::steady_clock::now();
  try {
    // The protocol caps timeout_ms (7 days by default), so this cannot overflow.
    const auto deadline = JobContext::Clock::now() + std::chrono::milliseconds(job.timeout_ms);
    JobContext context(job, deadline, cancelled);
    auto handled = run_handler(shared, job, context);
    // Work that overran its limit is a time-out whatever it returned: by then the job may be
    // running elsewhere.
    if (!handled.error && JobContext::Clock::now() > deadline) {
      handled.error =
          Error{ErrorCode::kTimeout, "timed out: the handler returned after its time limit of " +
                                         std::to_string(job.timeout_ms) + " ms"};
    }
    // Follow-ups go with a success only (a cancel marked later leaves a success as it is).
    if (!handled.error) {
      auto follow_ups = context.take_follow_ups();
      if (follow_ups.ok()) {
        outcome.follow_ups = std::move(follow_ups).value();
      } else {
        handled.error = follow_ups.error();
      }
    }
    outcome.result = std::move(handled.result);
    outcome.cpu_us = handled.cpu_us;
    outcome.max_rss_kb = handled.max_rss_kb;
    if (handled.error) {
      outcome.status = OutcomeStatus::kFailed;
      outcome.error_code = std::string(to_string(handled.error->code));
      outcome.error = std::move(handled.error->message);
    }
  } catch (const std::exception& e) {
    outcome.status = OutcomeStatus::kFailed;
    outcome.error_code = std::string(to_string(ErrorCode::kIo));
    outcome.error = std::string("worker internal error: ") + e.what();
    outcome.result = Payload();
  }
  outcome.finished_ms = unix_ms_now();
  outcome.run_us = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - started)
                                                  .count());
  return outcome;
}

void slot_loop(std::shared_ptr<SlotPool::Shared> shared) {
  block_stop_signals_in_this_thread();
  std::unique_lock lock(shared->mutex);
  while (true) {
    shared->work_ready.wait(lock, [&] { return shared->stopping || !shared->queue.empty(); });
    if (shared->queue.empty()) break;
    Job job = std::move(shared->queue.front());
    shared->queue.pop_front();
    ++shared->active;
    const auto entry = shared->running.emplace(std::piecewise_construct,
                                               std::forward_as_tuple(job.id, job.attempt),
                                               std::forward_as_tuple());
    auto& attempt = entry->second;
    attempt.running =
        RunningJob{job.id, job.type, job.attempt, unix_ms_now(), job.queue, job.batch};
    attempt.job = &job;
    attempt.cancelled = shared->cancelled;
    const auto started_ms = attempt.running.started_ms;
    shared->wake_if_first();
    shared->report.started.push_back(attempt.running);
    lock.unlock();
    auto outcome = run_one(*shared, job, attempt.cancelled, started_ms);
    lock.lock();
    const bool given_up = attempt.given_up;
    if (attempt.cancelled_by && !outcome.succeeded())
      mark_cancelled(outcome, *attempt.cancelled_by);
    shared->running.erase(entry);
    --shared->active;
    shared->wake_if_first();
    if (given_up) {
      ++shared->report.given_up_returned;
      continue;
    }
    // The job is done with here: its payload moves on with the outcome, never copied.
    keep_job_payload(outcome, std::move(job.payload));
    shared->report.finished.push_back(std::move(outcome));
  }
  ++shared->exited;
}

}  // namespace

SlotPool::SlotPool(std::size_t slots, std::map<std::string, Handler> handlers,
                   std::string worker_name)
    : shared_(std::make_shared<Shared>()), slot_count_(slots) {
  shared_->handlers = std::move(handlers);
  shared_->worker_name = std::move(worker_name);
  shared_->slots = slots;
  shared_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (shared_->wake_fd < 0) throw std::runtime_error("eventfd failed");
  try {
    for (std::size_t i = 0; i < slots; ++i) threads_.emplace_back(slot_loop, shared_);
  } catch (...) {
    // Threads already started must be joined before they are destroyed.
    {
      std::lock_guard lock(shared_->mutex);
      shared_->stopping = true;
    }
    shared_->work_ready.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
}

SlotPool::~SlotPool() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->queue.clear();
  }
  cancel_all();
  shared_->work_ready.notify_all();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < give_up) {
    {
      std::lock_guard lock(shared_->mutex);
      if (shared_->exited == threads_.size()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(shared_->mutex);
  const bool all_exited = shared_->exited == threads_.size();
  for (auto& t : threads_) {
    // A handler that ignores cancellation keeps its thread; it holds `shared_` alive itself.
    all_exited ? t.join() : t.detach();
  }
}

void SlotPool::start(Job job) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->queue.push_back(std::move(job));
  }
  ++given_;
  shared_->work_ready.notify_one();
}

std::vector<Job> SlotPool::take_queued() {
  std::vector<Job> taken;
  {
    std::lock_guard lock(shared_->mutex);
    // The first jobs in line have an idle slot each and are as good as started (its thread
    // has just not woken yet): they stay. Only those waiting behind busy slots come back.
    const auto idle = shared_->slots - std::min(shared_->slots, shared_->active);
    while (shared_->queue.size() > idle) {
      taken.push_back(std::move(shared_->queue.back()));
      shared_->queue.pop_back();
    }
  }
  std::reverse(taken.begin(), taken.end());  // in their order of arrival
  given_ -= taken.size();
  return taken;
}

int SlotPool::wake_fd() const { return shared_->wake_fd; }

SlotReport SlotPool::take_reports() {
  std::uint64_t ignored = 0;
  [[maybe_unused]] auto n = ::read(shared_->wake_fd, &ignored, sizeof ignored);
  SlotReport report;
  {
    std::lock_guard lock(shared_->mutex);
    std::swap(report, shared_->report);
  }
  given_ -= report.finished.size() + report.given_up_returned;
  return report;
}

std::vector<RunningJob> SlotPool::running() const {
  std::lock_guard lock(shared_->mutex);
  std::vector<RunningJob> jobs;
  for (const auto& [key, attempt] : shared_->running) jobs.push_back(attempt.running);
  return jobs;
}

void SlotPool::cancel_all() {
  std::lock_guard lock(shared_->mutex);
  shared_->cancelled = true;
  for (auto& [key, attempt] : shared_->running) attempt.cancelled = true;
}

CancelFound SlotPool::cancel(const std::string& id, std::uint32_t attempt, const std::string& by) {
  std::lock_guard lock(shared_->mutex);
  const auto [first, last] = shared_->running.equal_range(std::make_pair(id, attempt));
  for (auto it = first; it != last; ++it) {
    if (!it->second.cancelled_by) it->second.cancelled_by = by;
    it->second.cancelled = true;
  }
  if (first != last) return CancelFound{CancelFound::Where::kRunning, std::nullopt};
  auto& queue = shared_->queue;
  const auto waiting = std::find_if(queue.begin(), queue.end(), [&](const Job& job) {
    return job.id == id && job.attempt == attempt;
  });
  if (waiting == queue.end()) return CancelFound{};
  auto outcome = cancelled_outcome(*waiting, shared_->worker_name, by, 0);
  keep_job_payload(outcome, std::move(waiting->payload));
  queue.erase(waiting);
  --given_;
  return CancelFound{CancelFound::Where::kWaiting, std::move(outcome)};
}

std::optional<Outcome> SlotPool::give_up_on(const std::string& id, std::uint32_t attempt) {
  std::lock_guard lock(shared_->mutex);
  std::optional<Outcome> outcome;
  const auto [first, last] = shared_->running.equal_range(std::make_pair(id, attempt));
  for (auto it = first; it != last; ++it) {
    auto& cancelled = it->second;
    if (!cancelled.cancelled_by || cancelled.given_up) continue;
    cancelled.given_up = true;
    if (outcome) continue;  // one outcome for the attempt, however often it runs here
    outcome = cancelled_outcome(*cancelled.job, shared_->worker_name, *cancelled.cancelled_by,
                                cancelled.running.started_ms);
    outcome->run_us =
        (std::max(outcome->finished_ms, outcome->started_ms) - outcome->started_ms) * 1000;
    // The handler still reads the job (a const one): copying it beside that is safe.
    keep_job_payload(*outcome, Payload(cancelled.job->payload));
  }
  return outcome;
}

}  // namespace zpipe
