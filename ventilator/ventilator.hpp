// Ventilator: accepts jobs from producers, journals them, hands them out to workers, and
// follows each job until the sink reports its final outcome recorded: dispatching again what
// no outcome came back for, retrying failures with backoff, keeping dead jobs for `zpipe
// retry`. Also hosts the event hub.
// It knows which worker holds each job in flight: the one whose jobs-socket connection it was
// sent on. A worker that gives jobs back, goes silent or whose connection closes has exactly
// its jobs taken back and sent out again at once.
// Sockets: submit_in_ ROUTER bind <- producers (request/reply); jobs_out_ ROUTER bind <->
//          workers (ready, heartbeat and release in; jobs, job, heartbeat, cancel_jobs and
//          control out: a worker gets
//          no more jobs than it asked for, and only of the types and queues it takes); acks_in_
//          PULL bind <- sink; outcomes_out_ PUSH connect -> sink (the records of jobs
//          cancelled before they ran); events_ PUB connect -> the hub (inproc).
//          Call run() from one thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/data_dir_lock.hpp"
#include "common/disk_full_notice.hpp"
#include "common/disk_space.hpp"
#include "common/event_publisher.hpp"
#include "common/input_refusals.hpp"
#include "common/message.hpp"
#include "common/rate_meter.hpp"
#include "common/socket_monitor.hpp"
#include "common/stop_flag.hpp"
#include "common/zap_handler.hpp"
#include "ventilator/event_hub.hpp"
#include "ventilator/job_table.hpp"
#include "ventilator/journal.hpp"
#include "ventilator/recording_lag.hpp"
#include "ventilator/recurring_schedules.hpp"
#include "ventilator/ventilator_config.hpp"
#include "ventilator/worker_links.hpp"

namespace zpipe {

class Ventilator {
 public:
  // Binds every endpoint; throws std::runtime_error when one cannot be bound.
  Ventilator(VentilatorConfig config, std::shared_ptr<spdlog::logger> log);
  ~Ventilator();

  // Serves until `stop` is raised. Returns the exit code (0 on a clean stop).
  int run(const StopFlag& stop);

  // The endpoints actually bound (a "tcp://127.0.0.1:*" config reads back the chosen port).
  const VentilatorConfig& bound() const { return config_; }

 private:
  void handle_submit_socket();
  void handle_request(std::vector<zmq::message_t>& frames);
  // batch_open, batch_seal, batches_request.
  void handle_batch_request(std::vector<zmq::message_t>& envelope, const Message& request,
                            std::size_t request_bytes);
  // job.accepted for the jobs that others' ends made (follow-ups, chain steps, callbacks).
  void publish_made_jobs();
  void handle_dead_jobs(std::vector<zmq::message_t>& envelope, const DeadJobsRequest& request);
  void handle_cancel(std::vector<zmq::message_t>& envelope, const CancelRequest& request);
  // Passes the order on to the one worker the request names.
  void handle_worker_control(std::vector<zmq::message_t>& envelope, const WorkerControl& request);
  void handle_run_now(std::vector<zmq::message_t>& envelope, const RunNowRequest& request);
  // queues_request, queue_control and limit_control: each answered with the queues.
  void handle_queue_request(std::vector<zmq::message_t>& envelope, const Message& request);
  void handle_schedule_control(std::vector<zmq::message_t>& envelope,
                               const ScheduleControl& request);
  QueuesReply queues_reply(std::uint64_t req) const;
  // Takes the paused queues, the limits and the recurring jobs from the journal and the flags.
  void restore_settings();
  // Submits the jobs of the recurring schedules that are due.
  void fire_schedules(std::uint64_t now_ms);
  // Records at the sink the jobs cancelled before they ran (`again`: every one not yet
  // acknowledged: the sink may have missed them).
  void send_cancel_records(bool again);
  // Types with jobs waiting that no connected worker handles.
  std::vector<std::string> types_without_workers() const;
  // Queues a reply; replies go out after the journal commits what they confirm. One that
  // confirms nothing (`confirms` false: a status, a refusal) goes out even while a commit
  // waits for disk space.
  void reply(std::vector<zmq::message_t>& envelope, std::string body, bool confirms = true);
  // A request (submit, retry, discard) meant for another pipeline: why it is refused.
  std::optional<Error> wrong_pipeline(const Message& request) const;
  void commit_and_reply();
  void send_replies(bool confirmed);
  void restore_from_journal();
  void run_timers();
  // Why a submit cannot be taken (a job too large to send, the backlog full), if it cannot.
  std::optional<Error> check_capacity(const SubmitRequest& submit) const;
  // Why a submit of `request_bytes` cannot be journaled now (the disk is full, or a commit
  // waits for room), if it cannot.
  std::optional<Error> check_disk(std::size_t request_bytes);
  // What check_disk() last read of the data dir's disk and of the journal's free pages.
  struct DiskView {
    std::optional<DiskSpace> space;
    std::uint64_t reusable_bytes = 0;
    std::chrono::steady_clock::time_point read_at{};
    std::uint64_t accepted_since = 0;  // bytes of the requests let through on this view
  };
  DiskView read_disk_view();
  // Whether `request_bytes` more would eat into the reserve of the view's disk.
  bool too_full_for(const DiskView& view, std::size_t request_bytes);
  std::string disk_full_reason(const std::optional<DiskSpace>& space) const;
  // Says that the disk has room again, once it has; or, every few seconds, that it has not.
  void check_disk_room();
  // Counts, logs and publishes the refusal, and tells the producer why.
  void refuse_request(std::vector<zmq::message_t>& envelope, std::uint64_t req, const Error& error);
  // Tells the producer to try again later (busy, disk full): not bad input, not counted as such.
  void refuse_for_now(std::vector<zmq::message_t>& envelope, std::uint64_t req, const Error& error);
  // Tells the producer why a well-formed request cannot be done (the worker it names is not
  // there): not bad input either.
  void decline(std::vector<zmq::message_t>& envelope, std::uint64_t req, const Error& error);
  void handle_acks();
  void publish_ack_effect(const Ack& ack, AckEffect effect);
  void handle_worker_messages();
  void handle_release(const std::string& identity, const Release& release);
  // Tells a worker we hold no credit and no jobs for it, so that it says its room afresh.
  void send_resync(const std::string& identity);
  // Sends a heartbeat to every worker: those whose connection has closed are found gone.
  void probe_workers();
  // Takes back the jobs of workers silent past their heartbeats.
  void check_worker_links();
  // Forgets a worker and sends out again every job it held; `why` is for the log. `silent`:
  // it stopped answering (else its connection closed, which a clean stop does too).
  void take_back_from(const std::string& identity, const std::string& name, const std::string& why,
                      bool silent);
  enum class Delivery { kSent, kQueueFull, kGone };
  // Sends one message to a worker without waiting; throws on errors other than these.
  Delivery send_to_worker(const std::string& identity, std::string_view body);
  // The worker's connection is gone: take_back_from() it.
  void connection_closed(const std::string& identity);
  void dispatch();
  enum class DispatchResult { kSent, kNothing, kBlocked };
  // Sends up to `limit` jobs that the worker takes; kNothing when none was for it now,
  // kBlocked when its queue was full.
  DispatchResult dispatch_to(const std::string& identity, std::uint64_t limit,
                             std::uint64_t now_ms);
  void publish_state();
  // False (and said loudly) when the journal's files were removed, replaced or truncated.
  bool journal_files_intact();

  VentilatorConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  std::unique_ptr<ZapHandler> zap_;  // with CURVE: authenticates every connection; outlives hub_
  std::unique_ptr<EventHub> hub_;
  zmq::socket_t submit_in_;
  zmq::socket_t jobs_out_;
  zmq::socket_t acks_in_;
  zmq::socket_t outcomes_out_;
  RecurringSchedules schedules_;
  std::chrono::steady_clock::time_point resend_cancels_at_{};
  std::unique_ptr<EventPublisher> events_;
  std::optional<InputRefusals> refusals_;      // made with events_
  std::optional<DiskFullNotice> disk_notice_;  // made with events_
  // The last commit failed for lack of room: its transaction stays open, tried again at
  // retry_commit_at_; its replies wait, and new submits are refused.
  bool commit_waits_ = false;
  std::chrono::steady_clock::time_point retry_commit_at_{};
  std::uint64_t uncommitted_bytes_ = 0;  // of submits accepted since the last commit
  // Reading the disk's room (statvfs) and the journal's free pages at every submit was a quarter
  // of the ventilator's time when each submit carries one job: in a steady stream of them (the
  // loop never quiet for a millisecond), a view younger than kDiskViewAge serves, with what it
  // let through since added to what is needed. A refusal is always decided on a fresh one.
  std::optional<DiskView> disk_view_;
  static constexpr auto kDiskViewAge = std::chrono::milliseconds(50);
  // A connection to the jobs socket closed. libzmq's ROUTER does not say which peer went, only
  // that one did: probe_workers() finds out which (a send to a closed peer fails with
  // ROUTER_MANDATORY).
  std::unique_ptr<SocketMonitor> jobs_disconnects_;
  std::optional<DataDirLock> data_dir_lock_;  // held while journal_ is open
  std::unique_ptr<Journal> journal_;          // null with durability none
  std::optional<JobTable> jobs_;              // made once the journal is open
  std::string pipeline_;  // this pipeline's identity: the journal's, or this run's without one
  struct Reply {
    std::vector<zmq::message_t> envelope;
    std::string body;
    bool confirms = true;  // waits for the commit
  };
  std::vector<Reply> replies_;                             // waiting for the journal commit
  std::chrono::steady_clock::time_point dispatch_from_{};  // the recovery hold ends
  WorkerLinks links_;
  // How many jobs a worker holds: the JobTable's count, for links_.
  const WorkerLinks::HeldBy held_by_ = [this](const std::string& identity) {
    return jobs_->held_by(identity);
  };
  std::optional<std::chrono::steady_clock::time_point> probe_again_at_;
  std::chrono::steady_clock::time_point next_link_check_{};
  bool journal_lost_ = false;      // its files went from under it: stop, confirm nothing
  bool dispatch_blocked_ = false;  // a worker's queue was full: try again shortly
  std::uint64_t taken_back_ = 0;   // from workers lost or gone
  std::uint64_t overdue_ = 0;      // sent again after their time limit plus the grace
  RateMeter accepted_rate_;
  std::uint64_t unknown_acks_ = 0;
  RecordingLag recording_lag_;
};

}  // namespace zpipe
