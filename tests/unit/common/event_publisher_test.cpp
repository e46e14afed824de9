#include "common/event_publisher.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

// Every event that reaches a hub bound at `endpoint` within a moment.
std::vector<Event> received_events(zmq::socket_t& hub) {
  std::vector<Event> events;
  zmq::pollitem_t items[] = {{hub.handle(), 0, ZMQ_POLLIN, 0}};
  while (zmq::poll(items, 1, std::chrono::milliseconds(200)) > 0) {
    zmq::message_t topic;
    zmq::message_t body;
    (void)hub.recv(topic);
    (void)hub.recv(body);
    auto decoded = decode(body.to_string_view(), DecodeLimits{});
    EXPECT_TRUE(decoded.ok());
    if (decoded.ok()) events.push_back(std::get<Event>(decoded.value()));
  }
  return events;
}

TEST(EventPublisher, PerJobEventsOverTheRateAreCountedAndTheCountPublished) {
  zmq::context_t context(1);
  zmq::socket_t hub(context, zmq::socket_type::sub);
  hub.set(zmq::sockopt::subscribe, "");
  hub.bind("inproc://sampling-hub");
  EventPublisher publisher(context, "inproc://sampling-hub", "worker test");
  // A bound inproc socket takes in a new peer (and sends it the subscription) only when used.
  (void)hub.get(zmq::sockopt::events);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  publisher.publish("worker.up");

  std::size_t admitted = 0;
  for (int i = 0; i < 250; ++i) {
    if (publisher.admit_per_job_event("job.succeeded")) {
      ++admitted;
      publisher.publish("job.succeeded", {{"job", "j-" + std::to_string(i)}});
    }
  }
  EXPECT_EQ(admitted, EventPublisher::kPerJobEventsPerSecond);
  EXPECT_TRUE(publisher.admit_per_job_event("job.accepted")) << "each name has its own count";

  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  publisher.publish("worker.heartbeat");  // the second is over: the count goes first
  EXPECT_TRUE(publisher.admit_per_job_event("job.succeeded")) << "a new second";

  const auto events = received_events(hub);
  ASSERT_EQ(events.size(), 1 + admitted + 2);
  EXPECT_EQ(events.front().name, "worker.up");
  const auto& sampled = events[events.size() - 2];
  EXPECT_EQ(sampled.name, "events.sampled");
  EXPECT_EQ(sampled.fields.at("job.succeeded"), "50");
  EXPECT_EQ(sampled.fields.count("job.accepted"), 0u) << "nothing of it was left out";
  EXPECT_GE(std::stoul(sampled.fields.at("window_ms")), 1000u);
  EXPECT_EQ(events.back().name, "worker.heartbeat");
}

}  // namespace
}  // namespace zpipe
