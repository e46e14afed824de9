#include "front/autoscale_load.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace zpipe {
namespace {

// The pid of a worker's "host:pid" on `host`; nullopt for one of another host.
std::optional<pid_t> pid_on_host(const std::string& process, const std::string& host) {
  const auto colon = process.rfind(':');
  if (colon == std::string::npos || colon != host.size() || process.compare(0, colon, host) != 0) {
    return std::nullopt;
  }
  pid_t pid = 0;
  const char* first = process.data() + colon + 1;
  const char* last = process.data() + process.size();
  const auto [end, error] = std::from_chars(first, last, pid);
  if (error != std::errc() || end != last) return std::nullopt;
  return pid;
}

// Whether a worker that takes `taken` (empty: any) runs jobs of one of `types` (empty: any).
bool takes_any(const std::vector<std::string>& taken, const std::set<std::string>& types) {
  if (taken.empty() || types.empty()) return true;
  return std::any_of(taken.begin(), taken.end(),
                     [&types](const std::string& type) { return types.count(type) != 0; });
}

}  // namespace

AutoscaleLoad measure_load(const StatusReply& status, const std::vector<WorkerSummary>& workers,
                           const std::vector<pid_t>& own, const std::string& host,
                           const std::set<std::string>& types,
                           std::chrono::steady_clock::time_point at) {
  AutoscaleLoad load;
  auto& sample = load.sample;
  sample.at = at;
  if (types.empty()) {
    const auto& c = status.counts;
    sample.finished = c.succeeded + c.failed + c.cancelled;
    sample.work = c.pending + c.in_flight;
    sample.waiting = c.pending;
  } else {
    // The per-type counts have no failed attempts: a job that ended dead counts as finished.
    for (const auto& t : status.by_type) {
      if (types.count(t.type) == 0) continue;
      sample.finished += t.succeeded + t.dead;
      sample.work += t.pending + t.in_flight;
      sample.waiting += t.pending;
    }
  }
  for (const auto& w : workers) {
    if (w.state == "silent" || !takes_any(w.types, types)) continue;
    const auto slots = std::max<std::uint64_t>(1, w.slots);
    if (w.held > slots) sample.waiting += w.held - slots;
    const auto pid = pid_on_host(w.process.empty() ? w.name : w.process, host);
    if (!pid || std::find(own.begin(), own.end(), *pid) == own.end()) {
      ++sample.other_workers;
      continue;
    }
    ++sample.own_connected;
    if (w.held > 0) load.busy_own.insert(*pid);
  }
  return load;
}

}  // namespace zpipe
