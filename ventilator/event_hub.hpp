// EventHub: the one address monitors need. Components publish to its events-in; it checks each
// event and republishes it on events-out, where any number of monitors subscribe. Events are
// for telling people: no job's fate depends on one arriving.
// Sockets (owned by its thread): events_in_ SUB bind (all topics); events_out_ PUB bind.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "common/decode_limits.hpp"
#include "common/event.hpp"
#include "common/socket.hpp"

namespace zpipe {

class EventHub {
 public:
  // Binds every endpoint in `inputs` and `output` now (throws on failure), then forwards on
  // its own thread until `context` is shut down.
  // `source` names the hub in the input.refused events it publishes itself.
  EventHub(zmq::context_t& context, const std::vector<std::string>& inputs,
           const std::string& output, std::string source, const DecodeLimits& limits,
           const SocketOptions& options, const CurveSetup& curve,
           std::shared_ptr<spdlog::logger> log);
  // Shuts `context` down (the only way to end the forwarding thread's blocking receive) and
  // joins the thread: destroy the hub last, after the owner's own sockets are closed.
  ~EventHub();
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // The last of `inputs` and `output` as bound ("tcp://127.0.0.1:*" reads back its port).
  const std::string& bound_input() const { return bound_input_; }
  const std::string& bound_output() const { return bound_output_; }

  // What programs say is wrong now, as "SOURCE: what" lines: each program's last `disk.full`,
  // until its `disk.room` or `component.down`, or kAlertLife without a repeat (it went without
  // a word). Any thread.
  std::vector<std::string> alerts() const;
  static constexpr std::chrono::seconds kAlertLife{15};
  static constexpr std::size_t kMaxAlerts = 256;  // programs at once: any publisher may add one

  // The event to publish instead of the one received, when its "key" field must change to
  // `key`, the name of the CURVE key it arrived with ("" in the clear); std::nullopt when it
  // may go as it came. A publisher's own "key" is never passed on.
  static std::optional<Event> stamp_sender_key(const Event& event, const std::string& key);

 private:
  void forward();

  void publish(const std::string& name, std::map<std::string, std::string> fields);
  void note_alert(const Event& event);

  zmq::context_t& context_;
  zmq::socket_t events_in_;
  zmq::socket_t events_out_;
  std::string source_;
  std::string bound_input_;
  std::string bound_output_;
  bool curve_;  // its sockets are CURVE servers: frames carry the ZAP handler's key names
  std::uint64_t seq_ = 0;
  DecodeLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  struct Alert {
    std::string what;
    std::chrono::steady_clock::time_point at;
  };
  mutable std::mutex alerts_mutex_;
  std::map<std::string, Alert> alerts_;  // by source
  std::thread thread_;
};

}  // namespace zpipe
