// Producer requests to the ventilator and its replies: submit jobs, ask for status, where jobs
// are, which workers are connected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

struct SubmitRequest {
  std::uint64_t req = 0;  // chosen by the client, echoed in the reply
  std::vector<JobSpec> jobs;
  // Set: the pipeline the request is meant for; any other refuses it (wrong_pipeline).
  std::string pipeline{};
  friend bool operator==(const SubmitRequest&, const SubmitRequest&) = default;
};

// Every reply of the ventilator names its pipeline: an identity made with its journal (a new
// one at each start without one), so that a client can tell it reached the pipeline it meant.
// Empty from a ventilator that predates it.

// Every job of the request is accepted, ids in request order.
struct SubmitAccepted {
  std::uint64_t req = 0;
  std::vector<std::string> ids;
  std::string pipeline{};
  friend bool operator==(const SubmitAccepted&, const SubmitAccepted&) = default;
};

// None of the request's jobs is accepted.
struct SubmitRefused {
  std::uint64_t req = 0;
  std::string code;  // an ErrorCode name
  std::string message;
  std::string pipeline{};
  friend bool operator==(const SubmitRefused&, const SubmitRefused&) = default;
};

// Which dead jobs `zpipe retry` or `zpipe discard` means: the listed ids, or every dead job
// (of one type when `type` is set).
struct DeadSelection {
  std::vector<std::string> ids;
  bool all_dead = false;
  std::string type;  // with all_dead: only this type; empty: any
  friend bool operator==(const DeadSelection&, const DeadSelection&) = default;
};

// Requeue dead jobs (a fresh round of attempts each) or delete them. Answered by
// SubmitAccepted listing the ids acted on (none found: an empty list), or SubmitRefused.
struct DeadJobsRequest {
  enum class Action { kRetry, kDiscard };
  std::uint64_t req = 0;
  Action action = Action::kRetry;
  DeadSelection selection;
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const DeadJobsRequest&, const DeadJobsRequest&) = default;
};

struct StatusRequest {
  std::uint64_t req = 0;
  friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

// Job counts as the ventilator knows them.
// The totals (accepted, succeeded, failed, dead, cancelled) are the pipeline's: kept in the
// journal, the same after a restart. The rest are the jobs held now.
struct PipelineCounts {
  std::uint64_t accepted = 0;   // jobs accepted
  std::uint64_t pending = 0;    // waiting for a worker
  std::uint64_t in_flight = 0;  // dispatched, outcome not yet recorded
  std::uint64_t retrying = 0;   // failed with attempts left, waiting out the backoff delay
  std::uint64_t succeeded = 0;  // jobs that succeeded
  std::uint64_t failed = 0;     // failed attempts (each retried or, at the last, dead)
  std::uint64_t dead = 0;       // jobs that failed on their last allowed attempt, kept for retry
  std::uint64_t scheduled = 0;  // delayed: waiting for their run_at
  std::uint64_t cancelled = 0;  // jobs cancelled
  friend bool operator==(const PipelineCounts&, const PipelineCounts&) = default;
};

// The jobs of one type as the ventilator holds them ("by_type" in a status).
struct TypeCounts {
  std::string type;  // empty for the jobs of the types past kMaxCountedTypes
  std::uint64_t pending = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t retrying = 0;
  std::uint64_t succeeded = 0;  // since the ventilator started
  std::uint64_t dead = 0;       // held for retry, those restored from the journal included
  friend bool operator==(const TypeCounts&, const TypeCounts&) = default;
};
// Types counted one by one, the first seen first; the jobs of any later type are counted
// together (StatusReply::other_types), so that a producer making a type per job cannot make a
// status reply (or the ventilator's memory) grow without bound.
inline constexpr std::size_t kMaxCountedTypes = 100;

struct StatusReply {
  std::uint64_t req = 0;
  PipelineCounts counts;
  // What programs of the pipeline say is wrong now ("sink vm:42: disk full: ..."); the field
  // is left out when there is nothing.
  std::vector<std::string> alerts;
  std::string pipeline{};
  // Per type, by name; left out before the first job. other_types: the jobs of types past
  // kMaxCountedTypes, left out while there are none.
  std::vector<TypeCounts> by_type{};
  std::optional<TypeCounts> other_types{};
  // Types that have jobs waiting and no connected worker that handles them: those jobs wait
  // until one connects. Left out when none.
  std::vector<std::string> types_without_workers{};
  friend bool operator==(const StatusReply&, const StatusReply&) = default;
};

// Where jobs are now, asked by id ("query"): how a client follows its jobs to their end from
// any host, and how `zpipe show` sees jobs not recorded yet. At most kMaxJobsPerQuery ids.
struct JobsQuery {
  std::uint64_t req = 0;
  std::vector<std::string> ids;
  friend bool operator==(const JobsQuery&, const JobsQuery&) = default;
};
inline constexpr std::size_t kMaxJobsPerQuery = 10'000;

enum class JobState {
  kPending,    // waiting for a worker
  kRunning,    // sent to a worker, outcome not recorded yet
  kRetrying,   // failed with attempts left, waiting out its backoff
  kSucceeded,  // over: succeeded
  kDead,       // over: failed on its last allowed attempt, or for good (invalid payload)
  kScheduled,  // delayed: waits for its run_at
  kCancelled,  // over: cancelled (or being cancelled: its record is on its way to the sink)
  kUnknown,    // not held: never this pipeline's, discarded, or over long enough ago to be
               // forgotten (the sink's store has every recorded outcome)
};
std::string_view to_string(JobState state);
std::optional<JobState> job_state_from(std::string_view text);

struct JobStatus {
  std::string id;
  JobState state = JobState::kUnknown;
  std::uint32_t attempt = 0;       // the current (or last) attempt; 0 when unknown
  std::uint32_t max_attempts = 0;  // 0 when unknown
  std::string worker{};            // running: the worker it was sent to
  std::uint64_t due_ms = 0;        // retrying: when the next attempt may start (Unix ms)
  std::string error_code{};        // dead: why its last attempt failed, when still known
  std::string error{};
  std::string queue{};  // held jobs: its queue
  friend bool operator==(const JobStatus&, const JobStatus&) = default;
};

// The answer to a JobsQuery ("states"): one entry per id asked, in the order asked.
struct JobStates {
  std::uint64_t req = 0;
  std::vector<JobStatus> jobs;
  std::string pipeline{};
  friend bool operator==(const JobStates&, const JobStates&) = default;
};

// Cancel jobs ("cancel"): pending, scheduled and retrying jobs are cancelled at once; a running
// one is asked of its worker. Each is recorded at the sink with status cancelled, not retried.
// At most kMaxJobsPerQuery ids. Answered by CancelReply.
struct CancelRequest {
  std::uint64_t req = 0;
  std::vector<std::string> ids;
  std::string by{};        // who asks ("alice@web1"), kept with the record
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const CancelRequest&, const CancelRequest&) = default;
};

// What a cancel did to each job, in the order asked ("cancel_reply").
enum class CancelResult {
  kCancelled,   // it was waiting (pending, scheduled, retrying): it will never run
  kCancelling,  // it runs: its worker was asked to stop it
  kOver,        // it had ended already (succeeded, dead, cancelled)
  kUnknown,     // not a job this pipeline holds
};
std::string_view to_string(CancelResult result);
std::optional<CancelResult> cancel_result_from(std::string_view text);

struct CancelledJob {
  std::string id;
  CancelResult result = CancelResult::kUnknown;
  friend bool operator==(const CancelledJob&, const CancelledJob&) = default;
};

struct CancelReply {
  std::uint64_t req = 0;
  std::vector<CancelledJob> jobs;
  std::string pipeline{};
  friend bool operator==(const CancelReply&, const CancelReply&) = default;
};

// Which workers the ventilator knows now ("workers_request"); answered by WorkersReply.
struct WorkersRequest {
  std::uint64_t req = 0;
  friend bool operator==(const WorkersRequest&, const WorkersRequest&) = default;
};

// One worker connected to the jobs socket, as the ventilator sees it. Outcomes reach the
// ventilator in acks, which do not name the worker: what it can say is how many jobs it sent.
struct WorkerSummary {
  std::string name;                    // as the worker says it ("?" before it does)
  std::string process{};               // host:pid, when the worker says it and it is not the name
  std::string state;                   // idle, busy, paused, draining or silent (see PROTOCOL.md)
  std::uint64_t slots = 0;             // jobs it runs at once, as it says (0: not said)
  std::uint64_t held = 0;              // jobs sent to it whose outcome is not recorded yet
  std::uint64_t sent = 0;              // jobs sent to it since it connected, again ones included
  std::uint64_t credit = 0;            // jobs it asked for and has not been sent yet
  std::uint64_t heard_ms_ago = 0;      // since its last message (heartbeat or other)
  std::uint64_t connected_ms_ago = 0;  // since its first message on this connection
  std::uint64_t heartbeat_ms = 0;      // the heartbeat interval it promised; 0: none
  std::vector<std::string> types{};    // the types it handles; empty: any
  std::vector<std::string> queues{};   // the queues it serves, as it said them; empty: every queue
  friend bool operator==(const WorkerSummary&, const WorkerSummary&) = default;
};

struct WorkersReply {
  std::uint64_t req = 0;
  std::vector<WorkerSummary> workers;  // by name
  std::string pipeline{};
  friend bool operator==(const WorkersReply&, const WorkersReply&) = default;
};

}  // namespace zpipe
