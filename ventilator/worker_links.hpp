// WorkerLinks: the workers connected to the jobs socket, by ROUTER identity: the credit each has
// asked for and not yet been sent, and when each was last heard from. A worker that promised
// heartbeats and stays silent for kMissedHeartbeats of its intervals is lost: it is forgotten,
// with its credit, so that it gets nothing more until it speaks again (then it is new, and says
// its room afresh). Workers with credit are served in turn, so that each gets a batch before
// any gets a second one. Which jobs each worker holds is the JobTable's to know.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/job_credit.hpp"

namespace zpipe {

struct SilentWorker {
  std::string identity;
  std::string name;
  std::chrono::milliseconds silent;
};

class WorkerLinks {
 public:
  using Clock = std::chrono::steady_clock;
  // More than any worker needs: a larger credit is taken as this many.
  static constexpr std::uint64_t kMaxCredit = 1'000'000;
  static constexpr int kMissedHeartbeats = 3;
  // A longer interval is taken as this: kMissedHeartbeats of them must fit a duration.
  static constexpr std::chrono::milliseconds kMaxInterval = std::chrono::hours(24);
  // A gap this long between two calls of take_silent() means this process, not its workers,
  // was stalled (stopped, swapped out): every worker gets a fresh start then.
  static constexpr std::chrono::milliseconds kOwnStall = std::chrono::seconds(1);

  // A message came from `identity`. Returns true when it was not known (new, or forgotten as
  // lost or gone): it holds no credit here.
  bool heard(const std::string& identity, Clock::time_point now);
  // Adds the credit (or sets it, on a reset). Call heard() first.
  void apply(const std::string& identity, const Credit& credit);
  // Takes the worker's promise to send a heartbeat every `interval_ms` (0: no promise).
  void on_heartbeat(const std::string& identity, const Heartbeat& heartbeat);

  // The next worker in turn that has credit, if any.
  std::optional<std::string> next();
  std::uint64_t credit_of(const std::string& identity) const;
  // `jobs` were sent to the worker.
  void take(const std::string& identity, std::uint64_t jobs);

  // The worker's connection is gone: forget it.
  void drop(const std::string& identity);
  // Workers silent for more than kMissedHeartbeats of their intervals: forgotten now, each
  // reported once.
  std::vector<SilentWorker> take_silent(Clock::time_point now);

  std::vector<std::string> identities() const;
  std::string name_of(const std::string& identity) const;
  std::uint64_t total_credit() const { return total_; }
  std::size_t size() const { return workers_.size(); }

 private:
  struct Link {
    std::uint64_t credit = 0;
    std::string name;
    Clock::time_point last_heard;
    std::chrono::milliseconds interval{0};  // 0: never lost for silence
  };
  std::map<std::string, Link> workers_;
  std::string last_served_;
  std::uint64_t total_ = 0;
  std::optional<Clock::time_point> last_check_;
};

}  // namespace zpipe
