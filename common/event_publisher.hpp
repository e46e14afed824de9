// EventPublisher: numbers and publishes one component's events to the event hub.
// Socket: events_out_ XPUB connect -> hub events-in. XPUB rather than PUB because it tells us
// when the hub's subscription has arrived: until then, events wait in a bounded queue instead
// of being dropped, so that a component's first events (worker.up) reach the monitors.
// Call from one thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "common/event.hpp"
#include "common/socket.hpp"

namespace zpipe {

class EventPublisher {
 public:
  // An empty endpoint publishes nowhere (events are counted and dropped).
  // `curve`: how to connect (CURVE client when enabled); an in-process hub needs none.
  EventPublisher(zmq::context_t& context, const std::string& endpoint, std::string source,
                 const CurveSetup& curve = {}, const SocketOptions& options = {});

  // Never blocks or throws. Before the hub has subscribed, keeps the newest kMaxWaiting events;
  // after, drops events that the hub has no room for (high-water mark), which is why
  // components also publish their state periodically.
  void publish(std::string name, std::map<std::string, std::string> fields = {});

  // For the events every job makes (job.accepted, job.started, job.succeeded): whether this
  // one should be published. The first kPerJobEventsPerSecond of a name in each second are;
  // the rest are only counted, and at the end of the second one "events.sampled" event says
  // how many of each name were left out. At high rates this keeps the events from costing
  // more than the jobs; failures are never sampled (their callers publish them always).
  bool admit_per_job_event(std::string_view name);
  static constexpr std::uint64_t kPerJobEventsPerSecond = 200;

  static constexpr std::size_t kMaxWaiting = 10'000;
  static constexpr int kEventQueue = 100'000;  // high-water mark toward the hub, in events

  const std::string& source() const { return source_; }
  std::uint64_t published() const { return seq_; }

 private:
  bool hub_has_subscribed();
  void send(const Event& event);
  void end_sampling_window_if_due(std::chrono::steady_clock::time_point now);

  struct SampledName {
    std::uint64_t admitted = 0;
    std::uint64_t left_out = 0;
  };
  std::map<std::string, SampledName, std::less<>> sampled_;
  std::chrono::steady_clock::time_point window_start_{};

  zmq::socket_t events_out_;
  bool connected_ = false;
  bool subscribed_ = false;
  std::deque<Event> waiting_;
  std::string source_;
  std::uint64_t seq_ = 0;
};

}  // namespace zpipe
