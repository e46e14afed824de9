#include "ventilator/ready_queues.hpp"

#include <algorithm>
#include <cassert>

namespace zpipe {

bool WorkerRoute::handles(std::string_view type) const {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

ReadyQueues::Queue& ReadyQueues::queue_of(const std::string& name) {
  auto found = queues_.find(name);
  if (found == queues_.end()) found = queues_.emplace(name, Queue{}).first;
  return found->second;
}

void ReadyQueues::add(TrackedJob job, bool front) {
  auto& queue = queue_of(job.job.queue);
  auto lane = queue.lanes.find(job.job.type.str());
  if (lane == queue.lanes.end()) lane = queue.lanes.emplace(job.job.type.str(), Lane{}).first;
  auto& fifo = lane->second.by_priority[job.priority];
  job.order = front ? next_front_-- : next_back_++;
  if (front) {
    fifo.push_front(std::move(job));
  } else {
    fifo.push_back(std::move(job));
  }
  ++lane->second.size;
  ++queue.size;
  ++size_;
  peeked_lane_ = nullptr;  // a peek is good until the next change
}

void ReadyQueues::push_back(TrackedJob job) { add(std::move(job), false); }
void ReadyQueues::push_front(TrackedJob job) { add(std::move(job), true); }

ReadyQueues::Lane* ReadyQueues::best_lane(Queue& queue, const std::string& queue_name,
                                          const WorkerRoute& route, const MayStart& may_start) {
  Lane* best = nullptr;
  const TrackedJob* best_head = nullptr;
  const auto consider = [&](const std::string& type, Lane& lane) {
    const auto* head = lane.head();
    if (head == nullptr) return;
    if (best_head != nullptr &&
        std::pair(best_head->priority, best_head->order) < std::pair(head->priority, head->order)) {
      return;
    }
    if (may_start && !may_start(type, queue_name)) return;
    best = &lane;
    best_head = head;
  };
  if (!route.types.empty() && route.types.size() < queue.lanes.size()) {
    // A worker of a few types among many: look up its own lanes only.
    for (const auto& type : route.types) {
      if (const auto lane = queue.lanes.find(type); lane != queue.lanes.end()) {
        consider(lane->first, lane->second);
      }
    }
    return best;
  }
  for (auto& [type, lane] : queue.lanes) {
    if (route.handles(type)) consider(type, lane);
  }
  return best;
}

TrackedJob* ReadyQueues::peek(const WorkerRoute& route, const MayStart& may_start,
                              std::mt19937_64& random) {
  peeked_lane_ = nullptr;
  if (size_ == 0) return nullptr;
  const auto found = [this](Queue& queue, Lane* lane) {
    peeked_queue_ = &queue;
    peeked_lane_ = lane;
    return &lane->by_priority.begin()->second.front();
  };
  if (route.queues.empty()) {
    // In turn over every queue, from the one after the last served.
    auto start = turn_ == queues_.end() ? queues_.begin() : std::next(turn_);
    for (std::size_t seen = 0; seen < queues_.size(); ++seen, ++start) {
      if (start == queues_.end()) start = queues_.begin();
      auto& [name, queue] = *start;
      if (!open(queue)) continue;
      if (auto* lane = best_lane(queue, name, route, may_start)) {
        turn_ = start;
        return found(queue, lane);
      }
    }
    return nullptr;
  }
  if (route.weights.empty()) {
    for (const auto& name : route.queues) {
      const auto queue = queues_.find(name);
      if (queue == queues_.end() || !open(queue->second)) continue;
      if (auto* lane = best_lane(queue->second, name, route, may_start)) {
        return found(queue->second, lane);
      }
    }
    return nullptr;
  }
  // By weight: draw among the queues that have a job for this route, as Sidekiq does.
  struct Candidate {
    Queue* queue;
    Lane* lane;
    std::uint64_t weight;
  };
  std::vector<Candidate> candidates;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < route.queues.size(); ++i) {
    const auto queue = queues_.find(route.queues[i]);
    if (queue == queues_.end() || !open(queue->second)) continue;
    if (auto* lane = best_lane(queue->second, queue->first, route, may_start)) {
      candidates.push_back({&queue->second, lane, route.weights[i]});
      total += route.weights[i];
    }
  }
  if (candidates.empty()) return nullptr;
  auto draw = std::uniform_int_distribution<std::uint64_t>(0, total - 1)(random);
  for (const auto& c : candidates) {
    if (draw < c.weight) return found(*c.queue, c.lane);
    draw -= c.weight;
  }
  return found(*candidates.back().queue, candidates.back().lane);
}

TrackedJob ReadyQueues::take() {
  assert(peeked_lane_ != nullptr);
  auto& lane = *peeked_lane_;
  const auto first = lane.by_priority.begin();
  auto job = std::move(first->second.front());
  first->second.pop_front();
  if (first->second.empty()) lane.by_priority.erase(first);
  --lane.size;
  --peeked_queue_->size;
  --size_;
  peeked_lane_ = nullptr;
  return job;
}

std::vector<TrackedJob> ReadyQueues::take_if(const std::function<bool(const TrackedJob&)>& pick) {
  std::vector<TrackedJob> taken;
  for (auto& [name, queue] : queues_) {
    for (auto& [type, lane] : queue.lanes) {
      for (auto p = lane.by_priority.begin(); p != lane.by_priority.end();) {
        auto& fifo = p->second;
        const auto kept = std::stable_partition(fifo.begin(), fifo.end(),
                                                [&](const TrackedJob& t) { return !pick(t); });
        const auto n = static_cast<std::size_t>(fifo.end() - kept);
        for (auto t = kept; t != fifo.end(); ++t) taken.push_back(std::move(*t));
        fifo.erase(kept, fifo.end());
        lane.size -= n;
        queue.size -= n;
        size_ -= n;
        p = fifo.empty() ? lane.by_priority.erase(p) : std::next(p);
      }
    }
  }
  peeked_lane_ = nullptr;
  return taken;
}

void ReadyQueues::set_paused(const std::string& queue, bool paused) {
  queue_of(queue).paused = paused;
}

bool ReadyQueues::is_paused(const std::string& queue) const {
  const auto found = queues_.find(queue);
  return found != queues_.end() && found->second.paused;
}

std::vector<std::string> ReadyQueues::paused() const {
  std::vector<std::string> names;
  for (const auto& [name, queue] : queues_) {
    if (queue.paused) names.push_back(name);
  }
  return names;
}

void ReadyQueues::for_each(const std::function<void(const TrackedJob&)>& visit) const {
  for (const auto& [name, queue] : queues_) {
    for (const auto& [type, lane] : queue.lanes) {
      for (const auto& [priority, fifo] : lane.by_priority) {
        for (const auto& t : fifo) visit(t);
      }
    }
  }
}

std::vector<ReadyQueues::QueueFacts> ReadyQueues::queues() const {
  std::vector<QueueFacts> facts;
  for (const auto& [name, queue] : queues_) {
    if (queue.size == 0 && !queue.paused) continue;
    QueueFacts f{name, queue.size, 0, queue.paused};
    // The age of the oldest of the FIFOs' first jobs: exact while jobs come in order; a retry,
    // which keeps its created time, waits at the back and is not looked at.
    for (const auto& [type, lane] : queue.lanes) {
      for (const auto& [priority, fifo] : lane.by_priority) {
        const auto created = fifo.front().job.created_ms;
        if (f.oldest_created_ms == 0 || created < f.oldest_created_ms) {
          f.oldest_created_ms = created;
        }
      }
    }
    facts.push_back(std::move(f));
  }
  return facts;
}

std::map<std::string, std::uint64_t> ReadyQueues::waiting_types() const {
  std::map<std::string, std::uint64_t> types;
  for (const auto& [name, queue] : queues_) {
    if (queue.paused) continue;
    for (const auto& [type, lane] : queue.lanes) {
      if (lane.size > 0) types[type] += lane.size;
    }
  }
  return types;
}

std::uint64_t ReadyQueues::pending_of_type(const std::string& type) const {
  std::uint64_t n = 0;
  for (const auto& [name, queue] : queues_) {
    if (const auto lane = queue.lanes.find(type); lane != queue.lanes.end()) n += lane->second.size;
  }
  return n;
}

std::uint64_t ReadyQueues::pending_in_queue(const std::string& queue) const {
  const auto found = queues_.find(queue);
  return found == queues_.end() ? 0 : found->second.size;
}

}  // namespace zpipe
