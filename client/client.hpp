// Client: submits jobs to a ventilator, asks for its status, its jobs', workers', queues',
// schedules' and batches', cancels jobs or makes waiting ones due, opens and seals batches and
// steers workers, queues, limits and recurring jobs, waiting for each answer.
// Socket: requests_ DEALER connect -> ventilator submit endpoint. One thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "common/batch_requests.hpp"
#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/endpoints.hpp"
#include "common/handshake_watch.hpp"
#include "common/job.hpp"
#include "common/message.hpp"
#include "common/queue_requests.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"
#include "common/run_now_requests.hpp"
#include "common/schedule_requests.hpp"
#include "common/worker_control.hpp"

namespace zpipe {

struct ClientConfig {
  std::string ventilator = DefaultEndpoints::kSubmit;
  std::chrono::milliseconds reply_timeout{10'000};  // per request
  DecodeLimits limits;
  // When the ventilator's backlog is full, submit() waits for room (asking again with growing
  // pauses, up to half a second) for at most this long; zero refuses at once with kBusy.
  std::chrono::milliseconds busy_wait{std::chrono::hours(24)};
  CurveSetup curve;  // enabled: connects as a CURVE client
  // Set: the pipeline identity the ventilator must answer with (`zpipe status` shows it;
  // ZPIPE_PIPELINE for the zpipe command); a reply from any other pipeline is an Error
  // (kUnavailable) and nothing of it is used. Empty: any pipeline.
  std::string pipeline;

  // The defaults, toward `ventilator`, waiting up to `reply_timeout` for each reply.
  static ClientConfig to(std::string ventilator, std::chrono::milliseconds reply_timeout) {
    ClientConfig config;
    config.ventilator = std::move(ventilator);
    config.reply_timeout = reply_timeout;
    return config;
  }
};

// A batch to open (batch_requests.hpp): its callbacks run once, when it is sealed and all its
// jobs have ended; on_success only when none is dead or cancelled.
struct BatchOptions {
  std::string description{};  // for people (`zpipe batch show`)
  std::optional<JobSpec> on_complete{};
  std::optional<JobSpec> on_success{};
};

// What submit_batch() made: the batch's id and its jobs' ids, in the order given.
struct SubmittedBatch {
  std::string id;
  std::vector<std::string> job_ids;
};

class Client {
 public:
  explicit Client(ClientConfig config = {});

  // Submits jobs; returns their ids once the ventilator has accepted every one of them.
  // Fails with the ventilator's refusal (its code and message; kBusy only once busy_wait is
  // over), kTimeout when no answer came within reply_timeout (the jobs may or may not have
  // been accepted), or kTooLarge when the batch is over the per-request limit. Large batches
  // are best sent 1000 at a time.
  Result<std::vector<std::string>> submit(const std::vector<JobSpec>& jobs);
  Result<std::string> submit(const JobSpec& job);

  Result<PipelineCounts> status();
  // The counts, and what programs of the pipeline say is wrong now (a full disk).
  Result<StatusReply> status_report();

  // Requeues (kRetry) or deletes (kDiscard) dead jobs; returns the ids acted on. The request's
  // `req` is filled in here.
  Result<std::vector<std::string>> dead_jobs(DeadJobsRequest request);

  // Where each job is now (JobStatus), in the order asked; any number of ids (asked
  // kMaxJobsPerQuery at a time).
  Result<std::vector<JobStatus>> job_statuses(const std::vector<std::string>& ids);

  // The workers connected to the ventilator now, as it sees them (WorkerSummary), by name.
  Result<std::vector<WorkerSummary>> workers();

  // Pauses, resumes or stops one worker from afar, as SIGUSR2, SIGCONT and SIGTERM do on its
  // host. `worker` is its name, or its process (host:pid), as workers() lists them; `by` says
  // who asks, for the worker's log. Answered once the order is on its way: the worker's state
  // in workers() follows within a moment. Fails with the ventilator's refusal: kNotFound (no
  // worker of that name), kAmbiguous (several: the message lists them with their processes),
  // kUnsupported (a worker too old to take orders), kUnknownKind (a ventilator too old).
  Result<WorkerControlReply> control_worker(const std::string& worker, WorkerAction action,
                                            const std::string& by = {});

  // Makes the jobs named that wait for a time (delayed, or for a retry) due now, kept so across
  // a restart of the ventilator; what became of each (RunNowReply::jobs, in the order asked;
  // any number of ids, asked kMaxJobsPerQuery at a time).
  Result<RunNowReply> run_now(const std::vector<std::string>& ids);

  // Cancels jobs: waiting ones at once, running ones by asking their worker; what became of
  // each (CancelReply::jobs, in the order asked; any number of ids, asked kMaxJobsPerQuery at a
  // time). `by` says who asks ("alice@web1"); it is kept with each job's record.
  Result<CancelReply> cancel(const std::vector<std::string>& ids, const std::string& by);

  // The queues (pending, running, scheduled, latency, paused) and the dispatch limits in force.
  Result<QueuesReply> queues();
  // Stops (pause) or restarts (resume) dispatch from `queue`, kept across restarts; the queues
  // as they are after it.
  Result<QueuesReply> pause(const std::string& queue);
  Result<QueuesReply> resume(const std::string& queue);
  // Sets a dispatch limit ("TYPE=10/s", "TYPE=concurrency:4", "queue:NAME=..."), or clears one
  // ("TYPE", "queue:NAME", "TYPE=rate"); the queues and limits as they are after it. A limit
  // the ventilator cannot read is its refusal (kInvalid, with its reason).
  Result<QueuesReply> set_limit(const std::string& limit);
  Result<QueuesReply> clear_limit(const std::string& limit);

  // The jobs waiting for a time (delayed, or for a retry), soonest first, at most `limit`
  // (the ventilator lists at most kMaxScheduledListed), with how many wait in all.
  Result<ScheduledReply> scheduled(std::uint64_t limit = 100);

  // The recurring jobs, by name. Adding or removing one answers with them all as they are
  // after it; what the ventilator refuses (a cron it cannot read, a name it does not hold) is
  // an Error with its code and reason.
  Result<SchedulesReply> schedules();
  Result<SchedulesReply> add_schedule(const RecurringJob& schedule);
  Result<SchedulesReply> remove_schedule(const std::string& name);

  // Opens a batch; returns its id. Jobs join it by naming it (JobSpec::batch) until it is
  // sealed. Fails with the ventilator's refusal (a callback it cannot take) or as a request does.
  Result<std::string> open_batch(const BatchOptions& options);
  // Says that every job of batch `id` is in. Fails with the ventilator's refusal (kInvalid)
  // when it holds no open batch of that id.
  Result<Ok> seal_batch(const std::string& id);
  // The batches named, in the order asked (one with `known` false for an id the ventilator does
  // not hold; any number of ids, asked kMaxBatchesListed at a time), or the latest `limit`
  // (at most kMaxBatchesListed), newest first.
  Result<std::vector<BatchSummary>> batches(const std::vector<std::string>& ids);
  Result<std::vector<BatchSummary>> batches(std::uint64_t limit = 100);
  // Opens a batch, submits `jobs` into it (each one's `batch` set to it, in as many requests as
  // the limits need, waiting for room as submit() does) and seals it. A job that names a batch
  // of its own is kInvalid, before anything is sent. When a submit fails, the batch is left
  // open with the jobs already accepted, and the Error's message names it and how many are in
  // (seal_batch() ends it).
  Result<SubmittedBatch> submit_batch(const BatchOptions& options, std::vector<JobSpec> jobs);

  const ClientConfig& config() const { return config_; }
  // The identity of the pipeline that answered last; empty before any answer.
  const std::string& pipeline() const { return pipeline_; }

 private:
  // Sends one request and waits for its reply; a refusal becomes an Error.
  Result<Message> request(const std::string& body, std::uint64_t req);
  // request() for one Request, its `req` filled in here, answered by a Reply: any other answer
  // is an Error (kUnexpectedKind) that names both.
  template <class Reply, class Request>
  Result<Reply> ask(Request request_message);
  void reconnect();

  ClientConfig config_;
  zmq::context_t context_;
  zmq::socket_t requests_;
  std::unique_ptr<HandshakeWatch> watch_;  // with CURVE: why the ventilator refuses us
  std::uint64_t next_req_ = 1;
  std::string pipeline_;
};

}  // namespace zpipe
