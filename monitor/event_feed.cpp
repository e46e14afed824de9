#include "monitor/event_feed.hpp"

#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/socket.hpp"

namespace zpipe {

zmq::socket_t subscribe_to_events(zmq::context_t& context, const std::string& endpoint,
                                  const CurveSetup& curve) {
  SocketOptions options;
  options.linger_ms = 0;
  options.receive_hwm = 100'000;
  options.max_message_bytes = -1;  // decode() checks the size
  auto events_in = make_socket(context, zmq::socket_type::sub, options);
  events_in.set(zmq::sockopt::subscribe, "");
  connect_endpoint(events_in, endpoint, "events", curve);
  return events_in;
}

std::uint64_t take_events(zmq::socket_t& events_in, const DecodeLimits& limits,
                          const std::function<void(const Event&)>& apply, int max_messages) {
  std::uint64_t malformed = 0;
  for (int i = 0; i < max_messages; ++i) {
    const auto [frames, total] = receive_frames(events_in, 2);
    if (total == 0) break;  // none left
    if (total != 2) {       // topic, event
      ++malformed;
      continue;
    }
    auto decoded = decode(frames[1].to_string_view(), limits);
    const Event* event = decoded.ok() ? std::get_if<Event>(&decoded.value()) : nullptr;
    if (event == nullptr) {
      ++malformed;
      continue;
    }
    apply(*event);
  }
  return malformed;
}

void apply_queue_replies(QueuePoll& poll, PipelineView& view, PipelineView::Clock::time_point now) {
  auto replies = poll.take_replies(now);
  if (replies.queues) view.apply_queues(std::move(*replies.queues), now);
  if (replies.status) view.apply_status(*replies.status, now);
  if (replies.batches) view.apply_batches(std::move(*replies.batches), now);
}

}  // namespace zpipe
