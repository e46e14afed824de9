// Handler: the code a worker runs for one job type, and what it sees while running (JobContext)
// and returns (HandlerResult). Register with Worker::handle().
//
//   worker.handle("resize", [](const zpipe::Job& job, const zpipe::JobContext&) {
//     const auto args = job.payload.to_json();
//     if (!args.contains("path")) return zpipe::fail("payload needs a \"path\"");
//     return zpipe::succeed({{"resized", args["path"]}});
//   });
//
// A handler runs on one of the worker's slot threads, possibly at the same time as other jobs
// of the same type: it must not keep unsynchronised state between calls. A thrown exception
// fails the job with its what() text.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/job.hpp"
#include "common/payload.hpp"
#include "common/result.hpp"

namespace zpipe {

class JobContext {
 public:
  using Clock = std::chrono::steady_clock;
  JobContext(Clock::time_point deadline, const std::atomic<bool>& cancelled)
      : deadline_(deadline), cancelled_(cancelled) {}

  // When the job's time limit runs out; work past it is recorded as timed out.
  Clock::time_point deadline() const { return deadline_; }
  // True once this job is cancelled (`zpipe cancel`), or the worker is stopping and wants
  // running jobs to end early: return soon (what is returned then is recorded as cancelled).
  bool is_cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  // Sleeps up to `duration`, waking early on cancellation or at the deadline. Returns true
  // when the full duration passed.
  bool sleep_for(std::chrono::milliseconds duration) const;

 private:
  Clock::time_point deadline_;
  const std::atomic<bool>& cancelled_;
};

struct HandlerResult {
  Payload result;                // recorded as the job's result (also on failure, as detail)
  std::optional<Error> error;    // set: the job failed
  std::uint64_t cpu_us = 0;      // measured by worker --isolate, from the child's usage
  std::uint64_t max_rss_kb = 0;  // likewise: the child's peak resident memory
};

inline HandlerResult succeed(const nlohmann::json& result = nullptr) {
  return {Payload::from_json(result), std::nullopt, 0, 0};
}
// For a result already encoded as msgpack (no JSON round trip).
inline HandlerResult succeed_with(Payload result) {
  return {std::move(result), std::nullopt, 0, 0};
}
inline HandlerResult fail(std::string message, Payload detail = {}) {
  return {std::move(detail), Error{ErrorCode::kHandlerError, std::move(message)}, 0, 0};
}
inline HandlerResult fail(Error error, Payload detail = {}) {
  return {std::move(detail), std::move(error), 0, 0};
}

using Handler = std::function<HandlerResult(const Job& job, const JobContext& context)>;

}  // namespace zpipe
