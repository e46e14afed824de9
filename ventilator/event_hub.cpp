#include "ventilator/event_hub.hpp"

#include "common/clock.hpp"
#include "common/event_publisher.hpp"
#include "common/input_refusals.hpp"
#include "common/protocol.hpp"
#include "common/receive_frames.hpp"
#include "common/stop_flag.hpp"

namespace zpipe {

EventHub::EventHub(zmq::context_t& context, const std::vector<std::string>& inputs,
                   const std::string& output, std::string source, const DecodeLimits& limits,
                   const SocketOptions& options, const CurveSetup& curve,
                   std::shared_ptr<spdlog::logger> log)
    : context_(context),
      events_in_(make_socket(context, zmq::socket_type::sub, options)),
      events_out_(make_socket(context, zmq::socket_type::pub, options)),
      source_(std::move(source)),
      curve_(curve.enabled()),
      limits_(limits),
      log_(std::move(log)) {
  // Bursts of events must reach monitors rather than be dropped at the first full queue.
  events_in_.set(zmq::sockopt::rcvhwm, EventPublisher::kEventQueue);
  events_out_.set(zmq::sockopt::sndhwm, EventPublisher::kEventQueue);
  // Subscribe to everything: filtering happens per monitor at events_out_.
  events_in_.set(zmq::sockopt::subscribe, "");
  for (const auto& input : inputs) bind_endpoint(events_in_, input, "events-in", curve);
  bound_input_ = bound_endpoint(events_in_);
  bind_endpoint(events_out_, output, "events-out", curve);
  bound_output_ = bound_endpoint(events_out_);
  thread_ = std::thread([this] { forward(); });
}

EventHub::~EventHub() {
  context_.shutdown();
  if (thread_.joinable()) thread_.join();
}

void EventHub::forward() {
  block_stop_signals_in_this_thread();
  // Refusals are published here, on the hub's own thread and output socket.
  InputRefusals refusals(log_, [this](std::string name, std::map<std::string, std::string> fields) {
    publish(name, std::move(fields));
  });
  try {
    while (true) {
      auto [frames, total] = receive_frames(events_in_, 2, Wait::kYes);

      std::optional<Error> problem;
      std::optional<Event> restamped;
      if (total != 2) {
        problem = Error{ErrorCode::kMalformed,
                        "expected 2 frames (topic, event), got " + std::to_string(total)};
      } else {
        auto decoded = decode(frames[1].to_string_view(), limits_);
        if (!decoded.ok()) {
          problem = decoded.error();
        } else if (!std::holds_alternative<Event>(decoded.value())) {
          problem = Error{ErrorCode::kUnexpectedKind,
                          "expected an event, got " + std::string(kind_name(decoded.value()))};
        } else if (std::get<Event>(decoded.value()).name != frames[0].to_string_view()) {
          problem = Error{ErrorCode::kInvalid, "topic frame does not match the event's name"};
        } else {
          const auto& event = std::get<Event>(decoded.value());
          restamped = stamp_sender_key(event, curve_ ? sender_key_name(frames[1]) : "");
          note_alert(event);
        }
      }
      if (problem) {
        refusals.refuse("events-in", *problem);
        continue;
      }
      events_out_.send(frames[0], zmq::send_flags::sndmore);
      if (restamped) {
        events_out_.send(zmq::buffer(encode(*restamped)), zmq::send_flags::none);
      } else {
        events_out_.send(frames[1], zmq::send_flags::none);
      }
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM) log_->error("event hub stopped: {}", e.what());
  } catch (const std::exception& e) {
    log_->error("event hub stopped: {}", e.what());  // never let it leave the thread
  }
  events_in_.close();
  events_out_.close();
}

void EventHub::note_alert(const Event& event) {
  if (event.name != "disk.full" && event.name != "disk.room" && event.name != "component.down") {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(alerts_mutex_);
  // Programs that went without a word (killed) leave no alert behind for ever.
  std::erase_if(alerts_, [&](const auto& entry) { return now - entry.second.at > kAlertLife; });
  if (event.name == "disk.full") {
    if (alerts_.size() >= kMaxAlerts && !alerts_.contains(event.source)) return;
    const auto what = event.fields.find("what");
    alerts_[event.source] = Alert{what == event.fields.end() ? "disk full" : what->second, now};
  } else {
    alerts_.erase(event.source);
  }
}

std::vector<std::string> EventHub::alerts() const {
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(alerts_mutex_);
  std::vector<std::string> lines;
  for (const auto& [source, alert] : alerts_) {
    if (now - alert.at <= kAlertLife) lines.push_back(source + ": " + alert.what);
  }
  return lines;
}

void EventHub::publish(const std::string& name, std::map<std::string, std::string> fields) {
  const Event event{name, source_, ++seq_, unix_ms_now(), std::move(fields)};
  const auto body = encode(event);
  events_out_.send(zmq::buffer(event.name), zmq::send_flags::sndmore);
  events_out_.send(zmq::buffer(body), zmq::send_flags::none);
}

std::optional<Event> EventHub::stamp_sender_key(const Event& event, const std::string& key) {
  const auto claimed = event.fields.find("key");
  const bool has_claim = claimed != event.fields.end();
  if (key.empty() && !has_claim) return std::nullopt;  // the common case: forward the bytes
  if (has_claim && claimed->second == key) return std::nullopt;
  // Only the hub may say whose key sent an event: a publisher's own "key" field is replaced
  // (CURVE) or removed (in the clear).
  Event stamped = event;
  if (key.empty()) {
    stamped.fields.erase("key");
  } else {
    stamped.fields["key"] = key;
  }
  return stamped;
}

}  // namespace zpipe
