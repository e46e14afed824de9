#include "monitor/queue_poll.hpp"

#include <variant>

#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/socket.hpp"

namespace zpipe {

QueuePoll::QueuePoll(zmq::context_t& context, std::string endpoint, CurveSetup curve,
                     DecodeLimits limits)
    : context_(context), endpoint_(std::move(endpoint)), curve_(std::move(curve)), limits_(limits) {
  connect();
}

void QueuePoll::connect() {
  SocketOptions options;
  options.linger_ms = 0;           // an unanswered request is not worth delivering later
  options.send_hwm = 4;            // three requests at a time; more is a ventilator that is gone
  options.max_message_bytes = -1;  // decode() checks the size; libzmq would cut us off for good
  requests_out_ = make_socket(context_, zmq::socket_type::dealer, options);
  connect_endpoint(requests_out_, endpoint_, "ventilator", curve_);
}

bool QueuePoll::ask_if_due(Clock::time_point now) {
  if (now < next_ask_) return false;
  if (queues_req_ != 0 || status_req_ != 0 || batches_req_ != 0) {
    // Unanswered: a new connection drops what the old one still queues, and late replies.
    connect();
  }
  queues_req_ = next_req_++;
  status_req_ = next_req_++;
  batches_req_ = next_req_++;
  // DEALER queues them until the ventilator is reachable; a full queue drops them, and the
  // next turn asks again.
  (void)requests_out_.send(zmq::buffer(encode(QueuesRequest{queues_req_})),
                           zmq::send_flags::dontwait);
  (void)requests_out_.send(zmq::buffer(encode(StatusRequest{status_req_})),
                           zmq::send_flags::dontwait);
  (void)requests_out_.send(zmq::buffer(encode(BatchesRequest{batches_req_, {}, kBatchesAsked})),
                           zmq::send_flags::dontwait);
  next_ask_ = now + kGiveUpAfter;
  return true;
}

QueuePoll::Replies QueuePoll::take_replies(Clock::time_point now) {
  Replies replies;
  // Bounded per turn, as the events are: a peer that floods the socket cannot starve the keys.
  for (int i = 0; i < 100; ++i) {
    // [body], or ["", body] after a delimiter: the body is the last frame kept.
    const auto received = receive_frames(requests_out_, 2);
    if (received.total == 0) break;
    auto decoded = decode(received.frames.back().to_string_view(), limits_);
    if (!decoded.ok()) continue;
    if (auto* queues = std::get_if<QueuesReply>(&decoded.value())) {
      if (queues->req != queues_req_ || queues_req_ == 0) continue;
      queues_req_ = 0;
      replies.queues = std::move(*queues);
    } else if (auto* status = std::get_if<StatusReply>(&decoded.value())) {
      if (status->req != status_req_ || status_req_ == 0) continue;
      status_req_ = 0;
      replies.status = std::move(*status);
    } else if (auto* batches = std::get_if<BatchesReply>(&decoded.value())) {
      if (batches->req != batches_req_ || batches_req_ == 0) continue;
      batches_req_ = 0;
      replies.batches = std::move(*batches);
    } else if (auto* refused = std::get_if<SubmitRefused>(&decoded.value())) {
      // A ventilator older than batches does not know the request: it has none to show, and
      // the queues must not wait for an answer that never comes.
      if (refused->req != batches_req_ || batches_req_ == 0) continue;
      batches_req_ = 0;
      replies.batches = BatchesReply{};
    }
  }
  // All answered: the next ones a second from now.
  if (queues_req_ == 0 && status_req_ == 0 && batches_req_ == 0 &&
      (replies.queues || replies.status || replies.batches)) {
    next_ask_ = now + kInterval;
  }
  return replies;
}

}  // namespace zpipe
