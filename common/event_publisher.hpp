// EventPublisher: numbers and publishes one component's events to the event hub.
// Socket: events_out_ PUB connect -> hub events-in. Call from one thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <zmq.hpp>

#include "common/event.hpp"
#include "common/socket.hpp"

namespace zpipe {

class EventPublisher {
 public:
  // An empty endpoint publishes nowhere (events are counted and dropped).
  EventPublisher(zmq::context_t& context, const std::string& endpoint, std::string source,
                 const SocketOptions& options = {});

  // Never blocks or throws: PUB drops events that no subscriber has room for. Events sent before
  // the connection is up are lost too, which is why components also repeat their state.
  void publish(std::string name, std::map<std::string, std::string> fields = {});

  const std::string& source() const { return source_; }
  std::uint64_t published() const { return seq_; }

 private:
  zmq::socket_t events_out_;
  bool connected_ = false;
  std::string source_;
  std::uint64_t seq_ = 0;
};

}  // namespace zpipe
