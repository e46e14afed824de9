#include "common/event_publisher.hpp"

#include "common/clock.hpp"
#include "common/protocol.hpp"

namespace zpipe {

EventPublisher::EventPublisher(zmq::context_t& context, const std::string& endpoint,
                               std::string source, const SocketOptions& options)
    : events_out_(make_socket(context, zmq::socket_type::pub, options)), source_(std::move(source)) {
  if (!endpoint.empty()) {
    connect_endpoint(events_out_, endpoint, "events");
    connected_ = true;
  }
}

void EventPublisher::publish(std::string name, std::map<std::string, std::string> fields) {
  Event event{std::move(name), source_, ++seq_, unix_ms_now(), std::move(fields)};
  if (!connected_) return;
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
