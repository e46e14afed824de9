// JobTable: the ventilator's view of every job it owns, from acceptance to a final outcome:
// ready jobs by queue, type and priority (ReadyQueues), dispatched jobs with the worker they
// were sent to and the time by which their outcome must be recorded, jobs waiting for a time
// (delayed, or failed and waiting to be retried), jobs being cancelled, the unique keys of live
// jobs, and running counts (in all, and per type: TypeTally).
// Every change of a job's life goes through the journal when there is one; the caller commits it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/ack.hpp"
#include "common/job.hpp"
#include "common/job_credit.hpp"
#include "common/queue_requests.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "common/run_now_requests.hpp"
#include "common/schedule_requests.hpp"
#include "ventilator/batch_book.hpp"
#include "ventilator/delayed_jobs.hpp"
#include "ventilator/dispatch_limits.hpp"
#include "ventilator/ending_log.hpp"
#include "ventilator/job_policy.hpp"
#include "ventilator/journal.hpp"
#include "ventilator/ready_queues.hpp"
#include "ventilator/tracked_job.hpp"
#include "ventilator/type_tally.hpp"

namespace zpipe {

// What a sink's ack did to the job it names.
enum class AckEffect {
  kUnknown,         // not a job we hold (already final, or never ours)
  kStale,           // about an attempt that is no longer the current one: nothing changes
  kSucceeded,       // final: recorded as succeeded
  kDead,            // final: failed on its last allowed attempt
  kRetryScheduled,  // failed, attempts remain: waits for its backoff delay
  kCancelled,       // final: recorded as cancelled
};

// A job made by another's end (a follow-up, a chain step, an on_failure job, a batch's
// callback): said in a job.accepted event with its parent.
struct MadeJob {
  std::string id;
  std::string type;
  std::string queue;
  std::string parent;
};

// A job cancelled before it ran (or whose worker went after it was asked to stop it): the
// ventilator records it at the sink itself, with this outcome.
struct CancelRecord {
  std::string id;
  std::string type;
  std::string queue;
  std::uint32_t attempt = 1;
  std::uint32_t max_attempts = 1;
  std::uint64_t created_ms = 0;
  std::string by;
  Payload payload{};             // nil when left in the journal
  std::int64_t payload_row = 0;  // non-zero: the payload is left in the journal, at this row
};

// A running job whose worker is to be asked to stop it.
struct CancelAtWorker {
  std::string owner;  // the worker's jobs-socket identity
  ReleasedJob job;
};

class JobTable {
 public:
  // `id_prefix` makes ids unique across ventilator runs; `journal` may be null (durability
  // none) and must outlive the table. `seed` drives the retry jitter.
  JobTable(std::string id_prefix, JobPolicy policy, Journal* journal, std::uint64_t seed = 1);

  // Takes the journal's batches after a restart (before restore()).
  void restore_batches(std::vector<BatchRecord> batches) { batches_.restore(std::move(batches)); }
  // Takes the journal's jobs after a restart: retries keep their due time, the rest are
  // pending in their old order. `dead_by_type`: the journal's dead jobs, counted.
  // A delayed job due by `now_ms` is ready at once.
  void restore(std::vector<RestoredJob> live,
               const std::map<std::string, std::uint64_t>& dead_by_type,
               const PipelineCounts& totals, std::uint64_t now_ms);

  // Gives each spec an id, fills defaults, journals it, queues it as pending (or, with a
  // run_at in the future, as scheduled). A spec whose unique key a live job holds is not
  // added: its id is that job's. Returns the ids, in order; `added`, when given, gets the
  // places of the specs that made a new job.
  std::vector<std::string> accept(std::vector<JobSpec> specs, std::uint64_t now_ms,
                                  std::vector<std::size_t>* added = nullptr);

  // Why the jobs of a submit cannot join the batches they name (unknown, sealed), or nullopt.
  std::optional<std::string> batch_problem(const std::vector<JobSpec>& specs) const;
  BatchBook& batches() { return batches_; }
  // Seals a batch; its callbacks are made at once when its jobs have all ended.
  Result<Ok> seal_batch(const std::string& id, std::uint64_t now_ms);
  // The batches asked for, with how many jobs of each run now.
  std::vector<BatchSummary> batch_summaries(const BatchesRequest& request) const;
  // The jobs made by others' ends since the last call.
  std::vector<MadeJob> take_made() { return std::exchange(made_, {}); }

  // The next job `route` may take now, within the dispatch limits, with its payload (read back
  // from the journal when it is kept there); null when none. Restored jobs whose outcome
  // turned out to be recorded already are settled on the way.
  const Job* next_for(const WorkerRoute& route, std::uint64_t now_ms);
  // Settles the ready jobs whose outcome turned out to be recorded, then says whether a job
  // waits for a worker.
  bool has_pending();
  // The job from next_for() was sent to the worker whose jobs-socket identity is `owner`:
  // it is in flight there until its outcome is recorded, the worker gives it back or is lost,
  // or its time limit plus the redispatch grace passes.
  void mark_dispatched(std::uint64_t now_ms, const std::string& owner);

  // Moves delayed jobs and retries whose time has come to the back of their queue.
  void promote_due(std::uint64_t now_ms);
  // Jobs in flight past their deadline (and the recording lag) go back to the front of the
  // queue, same attempt. Returns their ids.
  std::vector<std::string> redispatch_overdue(std::uint64_t now_ms);
  // Outcomes reach the sink's store this late now (RecordingLag): a job in flight is taken for
  // lost that much after its deadline, not before its outcome could be recorded.
  void allow_recording_lag(std::uint64_t lag_ms) { recording_lag_ms_ = lag_ms; }
  // Every job in flight at `owner` goes back to the front of the queue, same attempt: the
  // worker is lost or its connection closed. Returns their ids.
  std::vector<std::string> take_back_from(const std::string& owner);
  // The worker `owner` gives back this attempt of a job unrun: true when it was in flight
  // there, and is now first in line again. A job since taken back and sent elsewhere stays.
  bool give_back(const std::string& owner, const ReleasedJob& job);
  // Jobs just marked dispatched go back to the front: their message could not be sent.
  void undo_dispatch(const std::vector<std::string>& ids);
  // Jobs in flight at `owner`.
  std::size_t held_by(const std::string& owner) const;
  // The earliest time promote_due() or redispatch_overdue() will have work, or a rate limit
  // lets a waiting job through, if any.
  std::optional<std::uint64_t> next_timer_ms(std::uint64_t now_ms) const;

  // Cancels the jobs named: those waiting are taken out at once (their records for the sink
  // come from take_cancel_records()); a running one's worker is to be asked (returned in
  // `at_workers`). `by` goes into the record.
  std::vector<CancelledJob> cancel(const std::vector<std::string>& ids, const std::string& by,
                                   std::vector<CancelAtWorker>& at_workers);
  // The cancelled jobs whose record the sink has not acknowledged: those not handed out yet,
  // and with `again`, all of them (sent again: the sink may have missed them).
  std::vector<CancelRecord> take_cancel_records(bool again = false);
  bool has_pending_cancels() const { return !cancelling_.empty(); }

  // The jobs named that wait for a time (delayed, or for a retry) stop waiting: each joins the
  // back of its queue, as when its time comes, and the journal says so (the caller commits).
  // What became of each, in the order asked (kDue for those); the rest are left as they are.
  std::vector<RunNowJob> run_now(const std::vector<std::string>& ids);

  // Pauses or resumes dispatch from a queue (the caller keeps it in the journal).
  void set_paused(const std::string& queue, bool paused) { ready_.set_paused(queue, paused); }
  std::vector<std::string> paused_queues() const { return ready_.paused(); }
  DispatchLimits& limits() { return limits_; }
  // Each queue that holds jobs or is paused; each limit with what it holds.
  std::vector<QueueSummary> queue_summaries(std::uint64_t now_ms) const;
  std::vector<LimitSummary> limit_summaries() const;
  // The jobs waiting for a time, soonest first, at most `limit`; `total` gets how many in all.
  std::vector<ScheduledJob> scheduled(std::uint64_t limit, std::uint64_t& total) const;
  // The types with jobs ready in an open queue, with how many.
  std::map<std::string, std::uint64_t> waiting_types() const { return ready_.waiting_types(); }
  // Puts the totals (accepted, succeeded, failed, cancelled) and the batches changed into the
  // journal when they changed since the last call; restore() takes them back. Called before
  // each commit.
  void save_totals();

  AckEffect on_recorded(const Ack& ack, std::uint64_t now_ms);

  // Requeues the selected dead jobs (journal only). Returns their ids.
  // An Error when the journal cannot read its dead jobs.
  Result<std::vector<std::string>> revive(const DeadSelection& selection, std::uint64_t now_ms);
  Result<std::vector<std::string>> discard(const DeadSelection& selection);

  // Where each job is now, in the order asked (JobsQuery). A worker is named by its
  // jobs-socket identity (the caller knows the names). Jobs over are told from the last
  // kRememberedEndings to end, then from the journal's dead jobs; the rest are unknown.
  std::vector<JobStatus> statuses(const std::vector<std::string>& ids);
  static constexpr std::size_t kRememberedEndings = 65'536;

  PipelineCounts counts() const;
  // The counts per type (see TypeTally): the types counted one by one, by name, and the jobs
  // of the types past kMaxCountedTypes.
  std::vector<TypeCounts> type_counts() const { return by_type_.counted(); }
  std::optional<TypeCounts> other_type_counts() const { return by_type_.others(); }
  // What the jobs held take in memory, about: kTrackedJobBytes each plus their id and the
  // payloads kept in memory.
  std::uint64_t memory_bytes() const { return memory_bytes_; }
  static constexpr std::uint64_t kTrackedJobBytes = 200;
  // Deadlines held for jobs sent (some of jobs since recorded, dropped in bulk).
  std::size_t deadlines_held() const { return deadlines_.size(); }
  // A job's deadline stays in the table after its outcome is recorded (taken out lazily, when
  // due): a minute of jobs at full speed would be millions. Past twice the jobs in flight plus
  // this many, the deadlines are made again from the jobs in flight.
  static constexpr std::size_t kStaleTimersKept = 65'536;

 private:
  // The job ended as `ack` says (its status, follow-ups, error): every job it makes is made
  // here, in the same journal transaction.
  void finish(TrackedJob& job, const Ack& ack, std::uint64_t now_ms);
  // What the job's end makes: follow-ups and the chain's next step on success, its on_failure
  // jobs when dead, and the callbacks of a batch it was the last of.
  void make_jobs_of(const TrackedJob& t, const Ack& ack, std::uint64_t now_ms);
  // Makes one such job (without the batch it names when that batch takes no more).
  void make_job(JobSpec spec, std::string id, const std::string& parent, std::uint64_t now_ms);
  // The callbacks of the batches that just ended.
  void make_callbacks_due(std::uint64_t now_ms);
  // Adds one job, given its id (accept() makes one), as accept() does. Returns its id, or the
  // live job's that holds its unique key.
  std::string add(JobSpec spec, std::string id, std::string parent, std::uint64_t now_ms,
                  bool* added = nullptr);
  // A job now waits for `t.due_ms` (delayed: attempt 1; or a retry).
  void add_timed(TrackedJob t);
  // A job starts or stops waiting for a time: counted by type and by queue.
  void start_waiting(const TrackedJob& t);
  void stop_waiting(const TrackedJob& t);
  // Its wait is over: to the back of its queue.
  void make_ready_after_wait(TrackedJob t);
  static bool is_delayed(const TrackedJob& t) { return t.job.attempt == 1; }
  // The job leaves the live ones: its unique key is free again.
  void release_unique_key(const TrackedJob& t);
  // A job that will not run: it waits in cancelling_ until the sink records it.
  void hold_cancelled(TrackedJob t, const std::string& by);
  // Keeps how the job of `ack` ended, for statuses(); forgets the oldest past the limit.
  void remember_ending(const Ack& ack, std::uint32_t max_attempts);
  void forget_ending(const std::string& id);
  // Takes `t` into the table's memory count, leaving a large payload in the journal.
  void keep(TrackedJob& t);
  static std::uint64_t memory_cost(const TrackedJob& t);

  std::string id_prefix_;
  JobPolicy policy_;
  std::uint64_t recording_lag_ms_ = 0;
  Journal* journal_;
  std::mt19937_64 random_;
  std::uint64_t next_seq_ = 1;
  ReadyQueues ready_;
  DispatchLimits limits_;
  struct InFlight {
    TrackedJob job;
    std::uint64_t deadline_ms = 0;
    std::string owner;  // the jobs-socket identity of the worker it was sent to
    // It was in maybe_recorded_ when sent: if it comes back, it goes there again.
    bool maybe_recorded = false;
    std::string cancel_by{};  // set: its worker was asked to cancel it
  };
  using InFlightMap = std::unordered_map<std::string, InFlight>;
  // Back to the front of the queue with its attempt (a lost delivery is not a failed attempt);
  // into maybe_recorded_ when `outcome_may_come` or it was there when sent. Returns the next
  // entry.
  InFlightMap::iterator requeue_front(InFlightMap::iterator it, bool outcome_may_come);
  // Its worker holds one job fewer. The caller moves its count in by_type_ (before taking the
  // job out of the entry).
  InFlightMap::iterator erase_in_flight(InFlightMap::iterator it);
  void forget_holder(const std::string& owner);
  void drop_stale_deadlines();

  InFlightMap in_flight_;
  std::unordered_map<std::string, std::size_t> held_;  // jobs in flight, by owner
  // Jobs waiting for a time (TrackedJob::due_ms): delayed ones, never sent yet, and retries,
  // found by id when a late outcome of an earlier attempt comes.
  DelayedJobs delayed_;
  std::unordered_map<std::string, TrackedJob> retrying_;
  using Timer = std::pair<std::uint64_t, std::string>;  // (when, job id), checked lazily
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> deadlines_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> retry_due_;
  // Of those, how many in each queue: `zpipe queues` and top's panel ask every second.
  std::map<std::string, std::uint64_t, std::less<>> waiting_in_queue_;
  // Cancelled jobs whose record the sink has not acknowledged, with who cancelled them; those
  // not yet handed to take_cancel_records() are in cancel_unsent_.
  struct Cancelling {
    TrackedJob job;
    std::string by;
  };
  std::unordered_map<std::string, Cancelling> cancelling_;
  std::vector<std::string> cancel_unsent_;
  // The unique keys of live jobs: key to id, and id to key.
  std::unordered_map<std::string, std::string> unique_ids_;
  std::unordered_map<std::string, std::string> unique_keys_;
  PipelineCounts saved_totals_;  // as last put into the journal
  // Pending jobs whose outcome may be recorded already: restored after a restart (recorded
  // while we were down), or taken back from a worker that was lost or past its time limit
  // (it may have sent the outcome before it went). Final acks for them wait in
  // finished_while_pending_, so that dispatch drops them instead of running them again.
  std::unordered_set<std::string> maybe_recorded_;
  struct Settled {
    Ack ack;
    std::uint64_t now_ms = 0;
  };
  std::unordered_map<std::string, Settled> finished_while_pending_;
  // The last jobs to end, by id; the reasons of the few that failed are kept aside.
  EndingLog endings_{kRememberedEndings};
  std::unordered_map<std::string, std::pair<std::string, std::string>> ending_errors_;
  PipelineCounts finished_;  // accepted, succeeded, failed, dead, cancelled; the rest derive
  TypeTally by_type_;        // changed wherever a job changes stage
  std::uint64_t memory_bytes_ = 0;
  Job sending_;  // what next_for() gives: its memory is used again for the next job
  BatchBook batches_;
  std::shared_ptr<const JobLinks> batch_links_;  // the last batch's, shared by its plain jobs
  std::vector<MadeJob> made_;
};

}  // namespace zpipe
