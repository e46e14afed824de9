#include "common/event_publisher.hpp"

#include "common/clock.hpp"
#include "common/protocol.hpp"

namespace zpipe {

EventPublisher::EventPublisher(zmq::context_t& context, const std::string& endpoint,
                               std::string source, const CurveSetup& curve,
                               const SocketOptions& options)
    : events_out_(make_socket(context, zmq::socket_type::xpub, options)),
      source_(std::move(source)) {
  if (!endpoint.empty()) {
    connect_endpoint(events_out_, endpoint, "events", curve);
    connected_ = true;
  }
}

void EventPublisher::publish(std::string name, std::map<std::string, std::string> fields) {
  if (!sampled_.empty()) end_sampling_window_if_due(std::chrono::steady_clock::now());
  Event event{std::move(name), source_, ++seq_, unix_ms_now(), std::move(fields)};
  if (!connected_) return;
  if (!hub_has_subscribed()) {
    if (waiting_.size() == kMaxWaiting) waiting_.pop_front();
    waiting_.push_back(std::move(event));
    return;
  }
  while (!waiting_.empty()) {
    send(waiting_.front());
    waiting_.pop_front();
  }
  send(event);
}

bool EventPublisher::admit_per_job_event(std::string_view name) {
  end_sampling_window_if_due(std::chrono::steady_clock::now());
  auto it = sampled_.find(name);
  if (it == sampled_.end()) it = sampled_.emplace(std::string(name), SampledName{}).first;
  if (it->second.admitted < kPerJobEventsPerSecond) {
    ++it->second.admitted;
    return true;
  }
  ++it->second.left_out;
  return false;
}

void EventPublisher::end_sampling_window_if_due(std::chrono::steady_clock::time_point now) {
  if (now - window_start_ < std::chrono::seconds(1)) return;
  const auto window_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - window_start_).count();
  window_start_ = now;
  std::map<std::string, std::string> left_out;
  for (auto& [name, counts] : sampled_) {
    if (counts.left_out > 0) left_out[name] = std::to_string(counts.left_out);
    counts = SampledName{};
  }
  if (left_out.empty()) return;
  left_out["window_ms"] = std::to_string(window_ms);
  publish("events.sampled", std::move(left_out));
}

bool EventPublisher::hub_has_subscribed() {
  if (subscribed_) return true;
  try {
    zmq::message_t subscription;
    // The hub subscribes to everything: a message starting with byte 1.
    while (events_out_.recv(subscription, zmq::recv_flags::dontwait)) {
      if (subscription.size() > 0 && subscription.data<char>()[0] == 1) subscribed_ = true;
    }
  } catch (const zmq::error_t&) {
  }
  return subscribed_;
}

void EventPublisher::send(const Event& event) {
  try {
    zmq::message_t topic(event.name.data(), event.name.size());
    const auto body = encode(event);
    if (!events_out_.send(topic, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    (void)events_out_.send(zmq::buffer(body), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    // Context shutting down: events are best-effort.
  }
}

}  // namespace zpipe
