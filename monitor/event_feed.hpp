// Following the event hub as a monitor does, shared by `zpipe-monitor top` (Dashboard) and
// zpipe-web's live feed: a SUB socket subscribed to every event, taking what has arrived
// without starving the caller's loop, and the ventilator's answers (QueuePoll) into the view.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <zmq.hpp>

#include "common/curve_setup.hpp"
#include "common/decode_limits.hpp"
#include "common/event.hpp"
#include "monitor/pipeline_view.hpp"
#include "monitor/queue_poll.hpp"

namespace zpipe {

// A SUB socket connected to the hub's events-out `endpoint`, subscribed to everything.
zmq::socket_t subscribe_to_events(zmq::context_t& context, const std::string& endpoint,
                                  const CurveSetup& curve);

// Receives what has arrived on `events_in`, at most `max_messages` (a flood never starves the
// caller's loop), giving each event to `apply`. Returns how many messages were not events
// (malformed). Received until none is left, rather than asked first whether one is there:
// asking (ZMQ_EVENTS) makes libzmq look at its command pipe, two system calls an event, which
// took half of zpipe-web's feed at 100,000 events a second; a receive does that once every
// 100 messages.
std::uint64_t take_events(zmq::socket_t& events_in, const DecodeLimits& limits,
                          const std::function<void(const Event&)>& apply,
                          int max_messages = 10'000);

// Whatever answers `poll` has by `now`, into `view`.
void apply_queue_replies(QueuePoll& poll, PipelineView& view, PipelineView::Clock::time_point now);

}  // namespace zpipe
