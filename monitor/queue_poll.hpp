// QueuePoll: what `zpipe-monitor top` asks the ventilator, about once a second: its queues
// (`queues_request`, as `zpipe queues` asks), its status (`status_request`, for the types whose
// jobs wait for a worker, as `zpipe status` shows them) and its latest batches
// (`batches_request`, as `zpipe batch list` asks). It never waits for an answer: the
// dashboard's loop polls socket() with its other sockets and calls take_replies() when it is
// readable, so that a ventilator that is slow or gone never freezes the screen.
// Socket: requests_out_ DEALER connect -> the ventilator's submit endpoint. One thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "common/batch_requests.hpp"
#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/queue_requests.hpp"
#include "common/requests.hpp"

namespace zpipe {

class QueuePoll {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{1};
  // Unanswered this long, the requests are dropped (a new connection) and asked again: a
  // ventilator that restarts is asked anew, and nothing piles up for one that is gone.
  static constexpr std::chrono::seconds kGiveUpAfter{3};
  // The latest batches asked for (newest first): more than a screen shows.
  static constexpr std::uint64_t kBatchesAsked = 20;

  struct Replies {
    std::optional<QueuesReply> queues;
    std::optional<StatusReply> status;
    // Empty from a ventilator that refuses batches_request (one older than batches).
    std::optional<BatchesReply> batches;
  };

  QueuePoll(zmq::context_t& context, std::string endpoint, CurveSetup curve, DecodeLimits limits);

  // Sends the three requests when they are due (kInterval after the last were answered, or
  // kGiveUpAfter after they were sent without an answer); true when it sent them.
  bool ask_if_due(Clock::time_point now);
  // When ask_if_due() next has something to do.
  Clock::time_point next_ask() const { return next_ask_; }
  // What has come by `now`: the answer of each kind to the requests in flight; an answer to an
  // older request, a refusal or anything unreadable is dropped.
  Replies take_replies(Clock::time_point now);
  zmq::socket_t& socket() { return requests_out_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  void connect();

  zmq::context_t& context_;
  std::string endpoint_;
  CurveSetup curve_;
  DecodeLimits limits_;
  zmq::socket_t requests_out_;
  std::uint64_t next_req_ = 1;
  // In flight; 0: answered (or none yet).
  std::uint64_t queues_req_ = 0, status_req_ = 0, batches_req_ = 0;
  Clock::time_point next_ask_{};
};

}  // namespace zpipe
