// Sink: records every job outcome once in the outcome store and acknowledges it to the
// ventilator. Sockets: outcomes_in_ PULL bind <- workers; acks_out_ PUSH connect -> ventilator;
// events_ PUB connect -> event hub. Call from one thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/data_dir_lock.hpp"
#include "common/disk_full_notice.hpp"
#include "common/event_publisher.hpp"
#include "common/input_refusals.hpp"
#include "common/outcome_store.hpp"
#include "common/rate_meter.hpp"
#include "common/stop_flag.hpp"
#include "common/zap_handler.hpp"
#include "sink/retention.hpp"
#include "sink/sink_config.hpp"

namespace zpipe {

class Sink {
 public:
  // Opens the store and binds; throws std::runtime_error when either fails.
  Sink(SinkConfig config, std::shared_ptr<spdlog::logger> log);
  ~Sink();

  // Records until `stop` is raised, then records what has already arrived. Returns the exit
  // code (0 on a clean stop, 1 when the store failed).
  int run(const StopFlag& stop);

  const SinkConfig& bound() const { return config_; }

 private:
  // Receives what is waiting (up to batch_max), records it in one transaction, acks it. When
  // the disk is too full to record them, the outcomes are held (not acked) and tried again
  // from retry_at_, and nothing more is read meanwhile. False when the sink must stop.
  // Recording copies of `payload_bytes` of the jobs' payloads beside `kept_bytes` that go in
  // whatever the room (the jobs that successes make) would leave less than the reserve
  // (disk_space.hpp) free where the store is: what is recorded then is what the ventilator's
  // jobs need, the outcome and the jobs it makes; the copies go. Nearing the reserve, it also
  // keeps the store's log short (OutcomeStore::keep_log_short).
  bool short_of_room(std::uint64_t payload_bytes, std::uint64_t kept_bytes);
  void drop_payloads();
  bool record_waiting();
  void flush_acks();
  // False (and said loudly) when the store's files were removed, replaced or truncated.
  bool store_files_intact();
  void publish_state();

  SinkConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  std::unique_ptr<ZapHandler> zap_;  // with CURVE: authenticates the workers' connections
  zmq::socket_t outcomes_in_;
  zmq::socket_t acks_out_;
  std::optional<DataDirLock> data_dir_lock_;  // held while store_ is open
  std::unique_ptr<OutcomeStore> store_;
  std::optional<Retention> retention_;  // with --keep
  std::unique_ptr<EventPublisher> events_;
  std::optional<InputRefusals> refusals_;      // made with events_
  std::optional<DiskFullNotice> disk_notice_;  // made with events_
  bool holding_ = false;                       // batch_ waits for room on the disk
  std::chrono::steady_clock::time_point retry_at_{};
  std::deque<std::string> acks_outbox_;  // encoded acks waiting for room toward the ventilator
  std::vector<Outcome> batch_;           // the outcomes of record_waiting()'s transaction
  RateMeter recorded_rate_;
  std::uint64_t recorded_ = 0;
  std::uint64_t failures_ = 0;   // failed attempts
  std::uint64_t cancelled_ = 0;  // jobs cancelled (by `zpipe cancel`)
  std::uint64_t duplicates_ = 0;
};

}  // namespace zpipe
