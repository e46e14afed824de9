// Fuzzes what `zpipe-monitor top` does with events from the network: decode() of each message
// as the dashboard does, then PipelineView (monitor/pipeline_view.cpp), which reads numbers
// out of the events' text fields and works out totals, workers, failures, throughput, ETA and
// advice from them, with time passing between events (input format: fuzz/timed_messages.hpp);
// at the end, the dashboard's text (monitor/dashboard_layout.cpp).
//
// Asserts, besides no crash, leak or undefined behaviour (UBSan: durations and conversions of
// numbers a peer chose): each worker shows at least one slot and busy between 0 and 100 %; at
// most kFailuresKept failures and kHistorySeconds rates are kept; with a backlog, the advice is
// at least one worker; the dashboard fits its screen, lines and columns.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "common/protocol.hpp"
#include "fuzz/property.hpp"
#include "fuzz/timed_messages.hpp"
#include "monitor/dashboard_layout.hpp"
#include "monitor/pipeline_view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zpipe;
  PipelineView view;
  auto now = PipelineView::Clock::time_point{} + std::chrono::hours(1);
  for (const auto& m :
       fuzz::read_timed_messages(std::string_view(reinterpret_cast<const char*>(data), size))) {
    now += m.wait;
    view.tick(now);
    const auto decoded = decode(m.bytes);
    if (!decoded.ok() || !std::holds_alternative<Event>(decoded.value())) continue;
    view.apply(std::get<Event>(decoded.value()), now);

    for (const auto& worker : view.workers()) {
      fuzz::require(worker.slots >= 1, "a worker has a slot at least");
      fuzz::require(worker.busy_pct >= 0 && worker.busy_pct <= 100, "busy is a percentage");
    }
    fuzz::require(view.failures().size() <= PipelineView::kFailuresKept, "failures are bounded");
    fuzz::require(view.throughput_history().size() <= PipelineView::kHistorySeconds,
                  "history is bounded");
    (void)view.throughput();
    (void)view.eta();
    if (const auto advice = view.advice(10.0); advice && advice->backlog > 0) {
      fuzz::require(advice->workers_needed >= 1, "a backlog needs a worker");
    }
  }
  constexpr int kWidth = 80, kHeight = 24;
  const auto lines = layout_dashboard(view, DashboardState{}, kWidth, kHeight, now, 1700000000000);
  fuzz::require(lines.size() <= kHeight, "the dashboard has as many lines as the screen at most");
  for (const auto& line : lines) {
    std::size_t columns = 0;  // each character one column: count the bytes that start one
    for (const char c : line.text) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    fuzz::require(columns <= kWidth, "a dashboard line fits the screen's width");
  }
  return 0;
}
