#include "ventilator/worker_roster.hpp"

#include <algorithm>
#include <charconv>

namespace zpipe {
namespace {

constexpr std::chrono::milliseconds kMaxInterval = std::chrono::hours(24);

}  // namespace

void WorkerRoster::on_event(const Event& event, Clock::time_point now) {
  if (event.name == "worker.down") {
    workers_.erase(event.source);
    return;
  }
  if (event.name.starts_with("job.")) {
    const auto job = event.fields.find("job");
    if (job == event.fields.end()) return;
    if (event.name == "job.started") {
      // A worker heard from first through a job (its worker.up came before we listened).
      auto [worker, added] = workers_.try_emplace(event.source);
      if (added) worker->second.last = now;
      worker->second.running.insert(job->second);
    } else if (const auto worker = workers_.find(event.source); worker != workers_.end()) {
      worker->second.running.erase(job->second);  // succeeded, failed or released
    }
    return;
  }
  if (event.name != "worker.up" && event.name != "worker.heartbeat") return;
  auto& seen = workers_[event.source];
  seen.last = now;
  const auto field = [&](const char* key) -> std::string {
    const auto it = event.fields.find(key);
    return it == event.fields.end() ? std::string() : it->second;
  };
  const auto interval = field("interval_ms");
  long ms = 0;
  if (std::from_chars(interval.data(), interval.data() + interval.size(), ms).ec == std::errc() &&
      ms > 0) {
    // A longer interval is taken as a day: kMissedHeartbeats of them must fit a duration.
    seen.interval = std::min(std::chrono::milliseconds(ms), kMaxInterval);
  }
  if (event.name != "worker.heartbeat") return;
  seen.job = field("job");
  if (const auto held = event.fields.find("jobs"); held != event.fields.end()) {
    seen.running.clear();
    std::string_view rest = held->second;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (comma != 0) seen.running.emplace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
}

std::vector<VanishedWorker> WorkerRoster::take_vanished(Clock::time_point now) {
  std::vector<VanishedWorker> vanished;
  for (auto it = workers_.begin(); it != workers_.end();) {
    const auto silent =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.last);
    if (silent > kMissedHeartbeats * it->second.interval) {
      vanished.push_back(VanishedWorker{
          it->first, silent, it->second.job,
          std::vector<std::string>(it->second.running.begin(), it->second.running.end())});
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  return vanished;
}

}  // namespace zpipe
