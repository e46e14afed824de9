// Ventilator: accepts jobs from producers, journals them, hands them out to workers, and
// follows each job until the sink reports its final outcome recorded: dispatching again what
// no outcome came back for, retrying failures with backoff, keeping dead jobs for `zpipe
// retry`. Also hosts the event hub.
// Sockets: submit_in_ ROUTER bind <- producers (request/reply); jobs_out_ ROUTER bind <-> workers
//          (credit in, jobs out: a worker gets no more jobs than it asked for);
//          acks_in_ PULL bind <- sink; events_ PUB connect -> the hub (inproc);
//          vanished_in_ SUB connect <- the hub (inproc), worker.vanished only.
// Call run() from one thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/data_dir_lock.hpp"
#include "common/event_publisher.hpp"
#include "common/rate_limiter.hpp"
#include "common/rate_meter.hpp"
#include "common/stop_flag.hpp"
#include "common/zap_handler.hpp"
#include "ventilator/event_hub.hpp"
#include "ventilator/job_table.hpp"
#include "ventilator/journal.hpp"
#include "ventilator/ventilator_config.hpp"
#include "ventilator/worker_credits.hpp"

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
  void handle_dead_jobs(std::vector<zmq::message_t>& envelope, const DeadJobsRequest& request);
  // Queues a reply; replies go out after the journal commits what they confirm.
  void reply(std::vector<zmq::message_t>& envelope, std::string body);
  void commit_and_reply();
  void restore_from_journal();
  void run_timers();
  // Sends out again, at once, the jobs the event hub says a vanished worker was running.
  void reclaim_from_vanished_workers();
  // Why a submit cannot be taken (a job too large to send, the backlog full), if it cannot.
  std::optional<Error> check_capacity(const SubmitRequest& submit) const;
  // Counts, logs and publishes the refusal, and tells the producer why.
  void refuse_request(std::vector<zmq::message_t>& envelope, std::uint64_t req, const Error& error);
  void handle_acks();
  void publish_ack_effect(const Ack& ack, AckEffect effect);
  void handle_credits();
  void dispatch();
  // Sends up to `limit` pending jobs to one worker; false if it could take none now.
  bool dispatch_to(const std::string& identity, std::uint64_t limit, std::uint64_t now_ms);
  void publish_state();
  void refuse_input(std::string_view socket, const Error& error);

  VentilatorConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  std::unique_ptr<ZapHandler> zap_;  // with CURVE: authenticates every connection; outlives hub_
  std::unique_ptr<EventHub> hub_;
  zmq::socket_t submit_in_;
  zmq::socket_t jobs_out_;
  zmq::socket_t acks_in_;
  std::unique_ptr<EventPublisher> events_;
  zmq::socket_t vanished_in_;  // SUB connect <- the hub (in process): worker.vanished
  std::optional<DataDirLock> data_dir_lock_;  // held while journal_ is open
  std::unique_ptr<Journal> journal_;          // null with durability none
  std::optional<JobTable> jobs_;              // made once the journal is open
  struct Reply {
    std::vector<zmq::message_t> envelope;
    std::string body;
  };
  std::vector<Reply> replies_;                             // waiting for the journal commit
  std::chrono::steady_clock::time_point dispatch_from_{};  // the recovery hold ends
  WorkerCredits credits_;
  bool dispatch_blocked_ = false;  // a worker's queue was full: try again shortly
  std::uint64_t redispatched_ = 0;
  RateMeter accepted_rate_;
  RateLimiter refusal_log_limit_;
  std::uint64_t refused_inputs_ = 0;
  std::uint64_t unknown_acks_ = 0;
};

}  // namespace zpipe
