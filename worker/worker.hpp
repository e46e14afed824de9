// Worker: runs jobs handed out by the ventilator and reports every outcome to the sink.
// Sockets:
//   jobs_in_      DEALER connect <-> ventilator: ready (credit, with the types and queues it
//                 takes), heartbeat and release out; jobs, job, heartbeat, cancel_jobs and
//                 control (pause, resume, stop from afar) in
//   outcomes_out_ PUSH connect -> sink: outcomes
//   events_       PUB connect -> event hub: events, for monitors
// Call from one thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/event_publisher.hpp"
#include "common/handshake_watch.hpp"
#include "common/input_refusals.hpp"
#include "common/job_credit.hpp"
#include "common/outcome.hpp"
#include "common/rate_limiter.hpp"
#include "common/stop_flag.hpp"
#include "common/worker_control.hpp"
#include "worker/handler.hpp"
#include "worker/middleware.hpp"
#include "worker/pause_flag.hpp"
#include "worker/worker_config.hpp"

namespace zpipe {

class Worker {
 public:
  // Connects (connecting never waits for the peer); throws on a malformed endpoint.
  // The built-in handlers (echo, sleep, fail, exec, thumbnail) are registered already.
  Worker(WorkerConfig config, std::shared_ptr<spdlog::logger> log);
  ~Worker();

  // Registers (or replaces) the handler for `type`. Call before run(). The worker tells the
  // ventilator the types it has handlers for when run() starts (only those of config.types, when
  // that is set), and gets jobs of those types only.
  void handle(const std::string& type, Handler handler);
  // Runs `middleware` around the handler of every type (the built-in ones too), or of `type`
  // only (run() throws when `type` has no handler). Call before run(). Worker-wide middleware,
  // in the order added, wraps the type's own, in the order added, which wraps the handler:
  //
  //   worker.use(timing);                      // runs first, sees the final result
  //   worker.use(transient_errors);            // sees what the two below make of the job
  //   worker.use("resize", check_paths);       // runs last, right around the handler
  //
  // Jobs of a type with no handler (unknown_type) run no middleware. With --isolate it runs
  // in the job's process. See worker/middleware.hpp.
  void use(Middleware middleware);
  void use(const std::string& type, Middleware middleware);

  // Takes jobs until `stop` is raised, then lets running jobs finish for up to the grace
  // period and sends their outcomes; jobs still running then are cancelled and given back, as
  // are jobs received but not started. SIGUSR2 pauses taking jobs, SIGCONT resumes (run()
  // installs both); the ventilator's orders (control: `zpipe workers pause|resume|stop`) do
  // what SIGUSR2, SIGCONT and `stop` do. A job the ventilator cancels (cancel_jobs) has its
  // handler's cancellation raised, and is recorded as cancelled. Throws when config.types names
  // a type without a handler. Returns the exit code: 0 on a clean stop, 1 when a handler
  // ignored cancellation or outcomes could not be handed to the sink.
  int run(const StopFlag& stop);

  const std::string& name() const { return config_.name; }
  PauseFlag& pause_flag() { return pause_; }

 private:
  void connect_to_jobs();
  // Logs what this worker is and publishes worker.up.
  void announce();
  // Takes and runs jobs until stopped and the running ones are done or out of grace.
  void serve(class SlotPool& pool, const StopFlag& stop);
  // Pauses or resumes as the pause flag now says; returns whether paused.
  bool follow_pause(class SlotPool& pool);
  // Cancels what still runs and gives it back.
  void cancel_unfinished(class SlotPool& pool);
  // worker.down and the last log line; returns the exit code.
  int say_goodbye(const class SlotPool& pool);
  // Jobs (started, or given back when we take none) and the ventilator's heartbeats.
  void handle_ventilator_messages(class SlotPool& pool);
  void start_job(class SlotPool& pool, Job job);
  // The ventilator's control: pauses, resumes or stops as the signal of that meaning does.
  void obey(const ControlWorker& order);
  // The ventilator's cancel_jobs: stops those attempts (see SlotPool::cancel()).
  void cancel_jobs(class SlotPool& pool, const CancelJobs& cancel);
  // Sends the cancelled outcome of attempts whose handler has not returned within the cancel
  // grace, in its stead.
  void give_up_on_overdue_cancels(class SlotPool& pool);
  // Tells the ventilator how many more jobs we can take: `credit` more, or (reset) exactly.
  void send_credit(std::uint64_t credit, bool reset);
  // Asks for what the window (slots + prefetch) has room for, in batches; `resync`: says the
  // whole room as an absolute credit.
  void grant_credit(const class SlotPool& pool, bool resync);
  // Asks for no more jobs and gives back, unrun, those waiting for a slot (they go out again at
  // once); running jobs go on. Jobs that still come are given back as they come.
  void stop_taking_jobs(class SlotPool& pool, std::string_view why);
  // Tells the ventilator on the jobs channel that these jobs are back in its hands.
  void give_back(const std::vector<Job>& jobs, std::string_view why);
  void collect(class SlotPool& pool);
  // Counts, publishes and queues for the sink one outcome.
  void record(Outcome outcome);
  void flush_outbox();
  void account_busy_time(const class SlotPool& pool);
  // A heartbeat to the ventilator (jobs channel) and one to monitors (events). `state`
  // overrides busy/idle: "stopping" or "paused".
  void heartbeat(const class SlotPool& pool, std::string_view state);
  void report_handshake_failures();

  WorkerConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, Handler> handlers_;
  std::vector<Middleware> middleware_;                              // for every type
  std::map<std::string, std::vector<Middleware>> type_middleware_;  // for one type each
  // What the ventilator is told with each reset credit (set by run()): the types it has
  // handlers for, and config_.queues.
  std::vector<std::string> types_;
  zmq::context_t context_;
  zmq::socket_t jobs_in_;
  bool taking_jobs_ = true;       // false while paused or stopping
  std::uint64_t credit_out_ = 0;  // credit the ventilator holds for us, as far as we know
  std::uint64_t window_ = 0;      // said with our credit: what we run and keep waiting, at most
  double job_us_average_ = 0;     // how long jobs run here; 0 until one has
  bool cancelling_ = false;       // cancel_all() was called: cancelled jobs are given back
  PauseFlag pause_;
  std::string paused_by_;      // who ordered the switch of pause_ not yet followed; empty: a signal
  bool stop_ordered_ = false;  // the ventilator passed on an order to stop, as SIGTERM does
  zmq::socket_t outcomes_out_;
  std::unique_ptr<EventPublisher> events_;
  std::optional<InputRefusals> refusals_;  // made with events_
  // With CURVE: why the ventilator or the sink refuses us, logged at heartbeats.
  std::unique_ptr<HandshakeWatch> jobs_watch_;
  std::unique_ptr<HandshakeWatch> outcomes_watch_;
  // Outcomes waiting for room toward the sink, each encoded as an entry of an "outcomes" batch.
  std::deque<std::string> outbox_;
  RateLimiter unknown_type_log_limit_;
  // Cancelled attempts that still run, and when to give up waiting for their handler.
  struct CancelDue {
    std::string id;
    std::uint32_t attempt = 1;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<CancelDue> cancels_due_;
  // Slot-time spent on jobs since the last heartbeat, for its busy_pct.
  std::chrono::steady_clock::duration busy_slot_time_{};
  std::chrono::steady_clock::time_point last_accounted_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_heartbeat_ = std::chrono::steady_clock::now();
  std::uint64_t succeeded_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t cancelled_ = 0;
  std::uint64_t released_ = 0;
};

}  // namespace zpipe
