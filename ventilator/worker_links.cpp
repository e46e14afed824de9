#include "ventilator/worker_links.hpp"

#include <algorithm>

namespace zpipe {

bool WorkerLinks::heard(const std::string& identity, Clock::time_point now) {
  auto [it, added] = workers_.try_emplace(identity);
  it->second.last_heard = now;
  if (added) it->second.connected = now;
  return added;
}

std::uint64_t WorkerLinks::window_of(std::uint64_t slots) {
  return std::clamp<std::uint64_t>(slots, 1, kMaxSlots) + kMaxJobsAhead;
}

void WorkerLinks::apply(const std::string& identity, const Credit& credit) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  auto& link = it->second;
  if (!credit.worker.empty()) link.name = credit.worker;
  if (credit.slots > 0) link.slots = credit.slots;
  if (credit.window > 0) link.window = credit.window;
  if (credit.says_routing) {
    link.route = WorkerRoute{credit.types, credit.queues, credit.queue_weights};
  }
  total_ -= link.credit;
  const auto window = window_of(link.slots);
  const auto base = credit.reset ? 0 : link.credit;
  link.credit = std::min(window, base + std::min(window, credit.credit));
  total_ += link.credit;
}

const WorkerRoute& WorkerLinks::route_of(const std::string& identity) const {
  static const WorkerRoute kAnything;
  const auto it = workers_.find(identity);
  return it == workers_.end() ? kAnything : it->second.route;
}

bool WorkerLinks::any_handles(const std::string& type) const {
  for (const auto& [identity, link] : workers_) {
    if (link.route.handles(type)) return true;
  }
  return false;
}

std::uint64_t WorkerLinks::sendable(const std::string& identity, std::size_t held) const {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return 0;
  const auto window = window_of(it->second.slots);
  const auto own = it->second.window > 0 ? std::min(it->second.window, window) : window;
  const auto most_held = own + std::max(own, kOutcomesOnTheirWay);
  return most_held > held ? std::min<std::uint64_t>(it->second.credit, most_held - held) : 0;
}

void WorkerLinks::on_heartbeat(const std::string& identity, const Heartbeat& heartbeat) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  if (!heartbeat.worker.empty()) it->second.name = heartbeat.worker;
  it->second.state = heartbeat.state;
  it->second.process = heartbeat.process;
  it->second.takes_control = heartbeat.takes_control;
  const auto ms = std::min<std::uint64_t>(heartbeat.interval_ms, kMaxInterval.count());
  it->second.interval = std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

std::optional<std::string> WorkerLinks::next(const HeldBy& held_by) {
  if (total_ == 0) return std::nullopt;
  // The first that can be sent jobs after the last one served, going round.
  auto it = workers_.upper_bound(last_served_);
  for (std::size_t looked = 0; looked < workers_.size(); ++looked, ++it) {
    if (it == workers_.end()) it = workers_.begin();
    if (it->second.credit > 0 && sendable(it->first, held_by(it->first)) > 0) {
      last_served_ = it->first;
      return it->first;
    }
  }
  return std::nullopt;
}

std::uint64_t WorkerLinks::credit_of(const std::string& identity) const {
  const auto it = workers_.find(identity);
  return it == workers_.end() ? 0 : it->second.credit;
}

void WorkerLinks::take(const std::string& identity, std::uint64_t jobs, Clock::time_point now) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  it->second.last_sent = now;
  it->second.sent += jobs;
  const auto taken = std::min(jobs, it->second.credit);
  it->second.credit -= taken;
  total_ -= taken;
}

void WorkerLinks::drop(const std::string& identity) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  total_ -= it->second.credit;
  workers_.erase(it);
}

std::vector<SilentWorker> WorkerLinks::take_silent(Clock::time_point now, const HeldBy& held_by) {
  std::vector<SilentWorker> silent;
  const bool stalled_here = last_check_ && now - *last_check_ > kOwnStall;
  last_check_ = now;
  for (auto it = workers_.begin(); it != workers_.end();) {
    auto& link = it->second;
    if (stalled_here) link.last_heard = now;
    const auto quiet = std::chrono::duration_cast<std::chrono::milliseconds>(now - link.last_heard);
    // One that promised no heartbeats owes word only while it holds jobs, from the last sent.
    const bool promised = link.interval.count() > 0;
    const auto since_sent =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - link.last_sent);
    const bool quiet_enough =
        promised ? quiet <= kMissedHeartbeats * link.interval
                 : std::min(quiet, since_sent) <= kMissedHeartbeats * kUnpromisedInterval ||
                       held_by(it->first) == 0;
    if (quiet_enough) {
      ++it;
      continue;
    }
    silent.push_back(SilentWorker{it->first, link.name, quiet});
    total_ -= link.credit;
    it = workers_.erase(it);
  }
  return silent;
}

std::vector<WorkerSummary> WorkerLinks::summaries(Clock::time_point now,
                                                  const HeldBy& held_by) const {
  const auto ms_since = [now](Clock::time_point then) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(now - then).count()));
  };
  std::vector<WorkerSummary> all;
  all.reserve(workers_.size());
  for (const auto& [identity, link] : workers_) {
    WorkerSummary w;
    w.name = link.name.empty() ? "?" : link.name;
    w.process = link.process;
    w.slots = link.slots;
    w.held = held_by(identity);
    w.sent = link.sent;
    w.credit = link.credit;
    w.heard_ms_ago = ms_since(link.last_heard);
    w.connected_ms_ago = ms_since(link.connected);
    w.heartbeat_ms = static_cast<std::uint64_t>(link.interval.count());
    w.types = link.route.types;
    for (std::size_t i = 0; i < link.route.queues.size(); ++i) {
      w.queues.push_back(link.route.queues[i] + (i < link.route.weights.size()
                                                     ? ":" + std::to_string(link.route.weights[i])
                                                     : std::string()));
    }
    const auto quiet = std::chrono::milliseconds(w.heard_ms_ago);
    const bool silent = link.interval.count() > 0 ? quiet > kSilentHeartbeats * link.interval
                                                  : w.held > 0 && quiet > kUnpromisedInterval;
    if (silent) {
      w.state = "silent";
    } else if (!link.state.empty()) {
      w.state = link.state;
    } else {
      w.state = w.held > 0 ? "busy" : "idle";
    }
    all.push_back(std::move(w));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const WorkerSummary& a, const WorkerSummary& b) { return a.name < b.name; });
  return all;
}

Result<ControlTarget> WorkerLinks::control_target(const std::string& worker) const {
  std::vector<std::pair<const std::string*, const Link*>> named;
  for (const auto& [identity, link] : workers_) {
    if (link.name == worker || (!link.process.empty() && link.process == worker)) {
      named.emplace_back(&identity, &link);
    }
  }
  if (named.empty()) {
    return make_error(ErrorCode::kNotFound, "no worker named " + worker +
                                                " is connected to the ventilator (zpipe workers "
                                                "lists those that are, with their processes)");
  }
  const auto described = [](const Link& link) {
    return link.process.empty() ? link.name : link.name + " (" + link.process + ")";
  };
  if (named.size() > 1) {
    std::string each;
    for (const auto& [identity, link] : named)
      each += (each.empty() ? "" : ", ") + described(*link);
    return make_error(ErrorCode::kAmbiguous,
                      std::to_string(named.size()) + " workers are named " + worker + ": " + each +
                          "; name one by its process (host:pid), as zpipe workers lists it");
  }
  const auto& [identity, link] = named.front();
  if (!link->takes_control) {
    return make_error(ErrorCode::kUnsupported,
                      "worker " + described(*link) +
                          " does not take orders from afar (a zpipe worker older than this "
                          "ventilator, or one that has not sent its first heartbeat yet); on its "
                          "host, SIGUSR2 pauses it, SIGCONT resumes it and SIGTERM stops it");
  }
  return ControlTarget{*identity, link->name, link->process};
}

std::vector<std::string> WorkerLinks::identities() const {
  std::vector<std::string> all;
  all.reserve(workers_.size());
  for (const auto& [identity, link] : workers_) all.push_back(identity);
  return all;
}

std::string WorkerLinks::name_of(const std::string& identity) const {
  const auto it = workers_.find(identity);
  return it == workers_.end() || it->second.name.empty() ? "?" : it->second.name;
}

}  // namespace zpipe
