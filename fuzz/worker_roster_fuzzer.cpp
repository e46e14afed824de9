// Fuzzes the event hub's WorkerRoster (ventilator/worker_roster.cpp) with events from the
// network: each message is decoded as the hub does, passed on when it is an event, and the
// roster is asked which workers vanished, with time passing between messages (input format:
// fuzz/timed_messages.hpp). Heartbeat intervals and job ids come from the events' text fields.
//
// Asserts, besides no crash, leak or undefined behaviour (UBSan: a peer's interval in a
// duration): a vanished worker is reported once, so asking again at the same moment reports
// none, and the workers alive drop by as many as vanished.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "common/protocol.hpp"
#include "fuzz/property.hpp"
#include "fuzz/timed_messages.hpp"
#include "ventilator/worker_roster.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  WorkerRoster roster;
  auto now = WorkerRoster::Clock::time_point{} + std::chrono::hours(1);
  for (const auto& m :
       fuzz::read_timed_messages(std::string_view(reinterpret_cast<const char*>(data), size))) {
    now += m.wait;
    const auto alive = roster.alive();
    const auto vanished = roster.take_vanished(now);
    fuzz::require(roster.alive() + vanished.size() == alive, "vanished workers leave the roster");
    fuzz::require(roster.take_vanished(now).empty(), "a vanished worker is reported once");
    const auto decoded = decode(m.bytes);
    if (!decoded.ok() || !std::holds_alternative<Event>(decoded.value())) continue;
    roster.on_event(std::get<Event>(decoded.value()), now);
  }
  return 0;
}
