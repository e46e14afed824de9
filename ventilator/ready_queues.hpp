// ReadyQueues: the jobs ready to run, by queue, then by type, then by priority, each in the
// order it became ready; and which queues are paused. Dispatch asks it for the next job a
// worker may take (WorkerRoute: the types it handles, the queues it serves and how), so that
// a job goes only to a worker that can run it, and a job that no worker handles waits without
// holding up the others.
// Order: within a queue, the lowest priority number first (beanstalkd), then the job that became
// ready first; a job put back in front (its worker was lost) keeps a place before the others.
// Between queues, as the worker says: strictly in its order, by weight, or (a worker that names
// none) in turn over every queue.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "ventilator/tracked_job.hpp"

namespace zpipe {

// What a worker takes, as its ready said (Credit).
struct WorkerRoute {
  std::vector<std::string> types;      // empty: any
  std::vector<std::string> queues;     // empty: every queue, in turn
  std::vector<std::uint32_t> weights;  // empty: `queues` strictly in order

  bool handles(std::string_view type) const;
};

class ReadyQueues {
 public:
  // Whether a job of this type and queue may start now (the dispatch limits).
  using MayStart = std::function<bool(const std::string& type, const std::string& queue)>;

  ReadyQueues() = default;
  // Not copied nor moved: it holds an iterator into itself.
  ReadyQueues(const ReadyQueues&) = delete;
  ReadyQueues& operator=(const ReadyQueues&) = delete;

  void push_back(TrackedJob job);
  void push_front(TrackedJob job);

  // The next job `route` may take: a job that `may_start` allows, of a type the route handles,
  // from a queue that is not paused, in the order above. Stays in place until take().
  // `random` picks between weighted queues.
  TrackedJob* peek(const WorkerRoute& route, const MayStart& may_start, std::mt19937_64& random);
  // Removes and returns the job peek() just gave.
  TrackedJob take();
  // Removes every job for which `pick` says true; returns them.
  std::vector<TrackedJob> take_if(const std::function<bool(const TrackedJob&)>& pick);

  void set_paused(const std::string& queue, bool paused);
  bool is_paused(const std::string& queue) const;
  std::vector<std::string> paused() const;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Each job, in no particular order.
  void for_each(const std::function<void(const TrackedJob&)>& visit) const;

  struct QueueFacts {
    std::string name;
    std::uint64_t pending = 0;
    std::uint64_t oldest_created_ms = 0;  // 0 when empty
    bool paused = false;
  };
  // Every queue that holds jobs or is paused, by name.
  std::vector<QueueFacts> queues() const;
  // The types that have jobs ready in a queue that is not paused, with how many.
  std::map<std::string, std::uint64_t> waiting_types() const;
  // Jobs ready of this type / in this queue.
  std::uint64_t pending_of_type(const std::string& type) const;
  std::uint64_t pending_in_queue(const std::string& queue) const;

 private:
  // The jobs of one type in one queue: by priority, each a FIFO.
  struct Lane {
    std::map<std::int32_t, std::deque<TrackedJob>> by_priority;
    std::uint64_t size = 0;
    const TrackedJob* head() const {
      return by_priority.empty() ? nullptr : &by_priority.begin()->second.front();
    }
  };
  struct Queue {
    std::map<std::string, Lane, std::less<>> lanes;  // by type
    std::uint64_t size = 0;
    bool paused = false;
  };
  Queue& queue_of(const std::string& name);
  void add(TrackedJob job, bool front);
  // The best lane of `queue` that the route and the limits allow, if any.
  Lane* best_lane(Queue& queue, const std::string& queue_name, const WorkerRoute& route,
                  const MayStart& may_start);
  // A queue the route may take from now.
  bool open(const Queue& queue) const { return queue.size > 0 && !queue.paused; }

  // A queue, once made, stays (empty) for as long as this object: iterators into it stay good.
  using QueueMap = std::map<std::string, Queue, std::less<>>;
  QueueMap queues_;
  std::size_t size_ = 0;
  std::int64_t next_back_ = 0;    // order numbers of jobs put at the back: rising
  std::int64_t next_front_ = -1;  // of jobs put back in front: falling, before every other
  QueueMap::iterator turn_ = queues_.end();  // served last to a route that names none
  // What peek() found, for take().
  Queue* peeked_queue_ = nullptr;
  Lane* peeked_lane_ = nullptr;
};

}  // namespace zpipe
