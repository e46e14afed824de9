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
//
// A handler may ask for more jobs (follow-ups), created once its job has succeeded:
//
//   worker.handle("split", [](const zpipe::Job& job, const zpipe::JobContext& context) {
//     for (const auto& page : job.payload.to_json()["pages"]) {
//       context.enqueue({.type = "ocr", .payload = zpipe::Payload::from_json({{"page", page}})});
//     }
//     return zpipe::succeed();
//   });
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/follow_ups.hpp"
#include "common/job.hpp"
#include "common/payload.hpp"
#include "common/result.hpp"

namespace zpipe {

// What a handler sees of its job's run besides the job. Each context belongs to one attempt of
// one job, on the thread running its handler: call it from that thread only.
class JobContext {
 public:
  using Clock = std::chrono::steady_clock;
  // For `job`, which must outlive the context.
  JobContext(const Job& job, Clock::time_point deadline, const std::atomic<bool>& cancelled)
      : deadline_(deadline), cancelled_(cancelled), job_(&job) {}
  // Without a job (a handler run on its own, as in tests): no id, no batch.
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

  // Asks for `spec` to be created as a job of its own (a follow-up: its parent is this job, its
  // id "<job>.<n>", n from 1 in the order enqueued) once this attempt has succeeded. The
  // follow-ups of an attempt that fails, times out or is cancelled are dropped; a retry runs
  // the handler again, which enqueues them again. More than kMaxFollowUps, or a spec the
  // pipeline would refuse (no type; a `then` or `on_failure` entry whose payload is not a map
  // or that has a `then`, `on_failure` or `batch` of its own; a name too long), fail the
  // attempt instead, saying why. They travel with the job's outcome, which must fit the
  // worker's message limit (--max-message-bytes): a larger one fails the attempt too.
  void enqueue(JobSpec spec) const;
  // enqueue() into this job's batch (a batch job adding jobs to its own batch); a job in no
  // batch enqueues a follow-up in none.
  void enqueue_in_batch(JobSpec spec) const;
  // The batch this job belongs to; empty: none.
  std::string_view batch() const { return job_ != nullptr ? job_->batch : std::string_view(); }

  // For the worker, once the handler has succeeded: the follow-ups in the order enqueued, or
  // why they fail the attempt (kTooLarge: more than kMaxFollowUps; kInvalid: a spec the
  // pipeline would refuse). Leaves none behind.
  Result<std::vector<JobSpec>> take_follow_ups();

 private:
  Clock::time_point deadline_;
  const std::atomic<bool>& cancelled_;
  const Job* job_ = nullptr;  // outlives the context; null: none
  // Filled by the const handler's calls: the context is its attempt's alone (see above).
  mutable std::vector<JobSpec> follow_ups_;  // the first kMaxFollowUps enqueued
  mutable std::size_t enqueued_ = 0;         // all of them
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

// The failure a handler's exception makes of its job: "handler threw: " and its what() text.
// Call inside a catch block only.
HandlerResult fail_with_current_exception();

}  // namespace zpipe
