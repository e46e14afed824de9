// Worker: runs jobs handed out by the ventilator and reports every outcome to the sink.
// Sockets: jobs_in_ PULL connect <- ventilator; outcomes_out_ PUSH connect -> sink;
//          events_ PUB connect -> event hub. Call from one thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/event_publisher.hpp"
#include "common/rate_limiter.hpp"
#include "common/stop_flag.hpp"
#include "worker/handler.hpp"
#include "worker/worker_config.hpp"

namespace zpipe {

class Worker {
 public:
  // Connects (connecting never waits for the peer); throws on a malformed endpoint.
  // The built-in handlers (echo, sleep, fail, exec, thumbnail) are registered already.
  Worker(WorkerConfig config, std::shared_ptr<spdlog::logger> log);
  ~Worker();

  // Registers (or replaces) the handler for `type`. Call before run().
  void handle(const std::string& type, Handler handler);

  // Takes jobs until `stop` is raised, then lets running jobs finish for up to the grace
  // period and sends their outcomes. Returns the exit code (0 on a clean stop).
  int run(const StopFlag& stop);

  const std::string& name() const { return config_.name; }

 private:
  void take_jobs(class SlotPool& pool);
  void collect(class SlotPool& pool);
  void flush_outbox();
  void account_busy_time(const class SlotPool& pool);
  void heartbeat(const class SlotPool& pool, bool stopping);
  void refuse_input(const Error& error);

  WorkerConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, Handler> handlers_;
  zmq::context_t context_;
  zmq::socket_t jobs_in_;
  zmq::socket_t outcomes_out_;
  std::unique_ptr<EventPublisher> events_;
  std::deque<std::string> outbox_;  // encoded outcomes waiting for room toward the sink
  RateLimiter refusal_log_limit_;
  RateLimiter unknown_type_log_limit_;
  // Slot-time spent on jobs since the last heartbeat, for its busy_pct.
  std::chrono::steady_clock::duration busy_slot_time_{};
  std::chrono::steady_clock::time_point last_accounted_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_heartbeat_ = std::chrono::steady_clock::now();
  std::uint64_t succeeded_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t refused_inputs_ = 0;
};

}  // namespace zpipe
