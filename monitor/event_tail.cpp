#include "monitor/event_tail.hpp"

#include <algorithm>
#include <optional>

#include "common/protocol.hpp"
#include "common/socket.hpp"
#include "monitor/event_format.hpp"

namespace zpipe {

EventTail::EventTail(TailConfig config, std::ostream& out, std::ostream& err,
                     std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)), out_(out), err_(err), log_(std::move(log)), context_(1) {
  SocketOptions options;
  options.linger_ms = 0;
  options.receive_hwm = 100'000;   // a slow terminal drops events rather than stall the hub
  options.max_message_bytes = -1;  // decode() checks the size; libzmq would cut us off for good
  events_in_ = make_socket(context_, zmq::socket_type::sub, options);
  // Topics filter at the hub already; the other criteria are checked here.
  if (config_.filter.topics.empty()) events_in_.set(zmq::sockopt::subscribe, "");
  for (const auto& topic : config_.filter.topics) events_in_.set(zmq::sockopt::subscribe, topic);
  // The ventilator's state, every second, tells a live hub from a silent one whatever the
  // topics asked for; the filter does not show it unless they did.
  if (!config_.filter.topics.empty()) {
    events_in_.set(zmq::sockopt::subscribe, std::string("ventilator.state"));
  }
  connect_endpoint(events_in_, config_.events_endpoint, "events", config_.curve);
}

int EventTail::run(const StopFlag& stop) {
  log_->info("listening for events at {}", config_.events_endpoint);
  using Clock = SilenceNotice::Clock;
  SilenceNotice silence(config_.events_endpoint, Clock::now());
  auto say = [&](const std::optional<std::string>& line) {
    if (line) err_ << *line << std::endl;
  };
  while (!stop.is_stop_requested()) {
    zmq::pollitem_t items[] = {{events_in_.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, stop.fd(), ZMQ_POLLIN, 0}};
    // After the notice nothing more is to be said until an event comes: wait for one.
    const auto timeout =
        silence.has_noticed()
            ? std::chrono::milliseconds(-1)
            : std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(
                                                         silence.next_check() - Clock::now()));
    poll_sockets(items, std::size(items), timeout);
    if (!(items[0].revents & ZMQ_POLLIN)) say(silence.on_tick(Clock::now()));
    if (items[0].revents & ZMQ_POLLIN) {
      say(silence.on_event(Clock::now()));
      for (int i = 0; i < 1000 && (events_in_.get(zmq::sockopt::events) & ZMQ_POLLIN); ++i)
        print_one();
      out_.flush();
      if (!out_) return 0;  // the reader went away (a closed pipe): nothing left to do
    }
  }
  if (bad_events_ > 0) log_->warn("{} malformed events were ignored", bad_events_);
  return 0;
}

void EventTail::print_one() {
  std::vector<zmq::message_t> frames;
  do {
    zmq::message_t frame;
    (void)events_in_.recv(frame);
    if (frames.size() < 3) frames.push_back(std::move(frame));
  } while (events_in_.get(zmq::sockopt::rcvmore));
  auto decoded = frames.size() == 2
                     ? decode(frames[1].to_string_view(), config_.limits)
                     : Result<Message>(Error{ErrorCode::kMalformed, "expected 2 frames"});
  const Event* event = decoded.ok() ? std::get_if<Event>(&decoded.value()) : nullptr;
  if (event == nullptr) {
    ++bad_events_;
    if (bad_event_log_limit_.allow()) {
      log_->warn("ignored a malformed event: {}{}",
                 decoded.ok() ? "not an event" : decoded.error().message,
                 bad_event_log_limit_.suppressed_note());
    }
    return;
  }
  const auto gap = gaps_.missed_before(*event);
  // Reported whether or not the event after the gap passes the filter.
  if (gap > 0 && !config_.json && config_.filter.topics.empty()) {
    out_ << "-- missed " << gap << " events from " << event->source << "\n";
  }
  if (!config_.filter.matches(*event)) return;
  out_ << (config_.json ? format_event_json(*event) : format_event_line(*event, config_.color))
       << "\n";
}

}  // namespace zpipe
