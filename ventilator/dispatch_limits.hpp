// DispatchLimits: the rate and concurrency limits the ventilator keeps when it hands jobs out,
// per job type and per queue, and the counts of running jobs they are checked against.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ventilator/limit_spec.hpp"

namespace zpipe {

// A job may start when every limit of its type and every limit of its queue allows it:
//
//  - concurrency:N: fewer than N jobs of that type (or queue) are running. Lowering N below the
//    number running holds new jobs back until enough have finished.
//  - a rate, R jobs a second: starts are spaced evenly, 1/R apart, like GCRA with a burst of 1.
//    10/s lets one job start every 100 ms, so 50 waiting jobs take about 4.9 s, never 10 at
//    once: a third-party API's limit is kept even over short windows. A limit that saw no jobs
//    for a while banks no credit: the next start is 1/R after the last, or now if that is past.
//    Changing the rate applies from the last start ("1/h" then "10/s": 100 ms after it).
//
// The caller reports every job: started() when it hands one out, finished() when it ends or is
// taken back (its worker died). Running counts are kept for every type and queue seen, so a
// concurrency limit set while jobs run counts them; they survive set() and clear(). A rate limit
// is spent by starts only: finishing gives nothing back.
//
// Time is the caller's Unix ms (a clock to inject in tests). With no limit set, may_start() is
// one branch; otherwise a hash lookup or two, without allocating. Call from one thread only.
class DispatchLimits {
 public:
  // What one limit stands at, for display.
  struct LimitState {
    LimitSpec spec;
    std::uint32_t running = 0;  // jobs of that type or queue running now
    // Rates: when the next job may start (now_ms when one may start now).
    std::optional<std::uint64_t> next_start_ms;
  };

  // Adds the limit, or replaces the one of the same scope, name and kind.
  void set(const LimitSpec& spec);
  // Removes the limit of that kind; false when there was none.
  bool clear(LimitSpec::Scope scope, std::string_view name, LimitSpec::Kind kind);
  // Removes both kinds of limit of that name; false when there was none.
  bool clear(LimitSpec::Scope scope, std::string_view name);
  // Every limit, types first, then by name, rate before concurrency.
  std::vector<LimitSpec> specs() const;
  bool empty() const { return limit_count_ == 0; }

  // Whether all limits of `type` and of `queue` let one more job start at `now_ms`.
  bool may_start(std::string_view type, std::string_view queue, std::uint64_t now_ms) const {
    return limit_count_ == 0 || (allows(LimitSpec::Scope::kType, type, now_ms) &&
                                 allows(LimitSpec::Scope::kQueue, queue, now_ms));
  }
  // A job of `type` from `queue` was handed out at `now_ms`: one more running, and each rate
  // limit of the two spends its next start (even when may_start() said no: the job is out).
  void started(std::string_view type, std::string_view queue, std::uint64_t now_ms);
  // A running job ended or was taken back: one fewer running, never below 0.
  void finished(std::string_view type, std::string_view queue);

  // The earliest time at which a rate limit that holds jobs back at `now_ms` lets one through;
  // nullopt when no rate limit holds anything back. The ventilator sets its poll timer with it
  // (a concurrency limit frees up when a job finishes, which wakes the ventilator anyway).
  std::optional<std::uint64_t> next_allowed_ms(std::uint64_t now_ms) const;

  // Jobs of that type or queue running now.
  std::uint32_t running(LimitSpec::Scope scope, std::string_view name) const;
  // Every limit with its running count and, for rates, its next start; in the order of specs().
  std::vector<LimitState> states(std::uint64_t now_ms) const;

 private:
  // Hash and equality that take a std::string_view, so that lookups allocate nothing.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  template <class T>
  using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

  struct Rate {
    double per_second = 0;
    std::uint64_t interval_us = 0;  // between two starts, rounded up
    // The start time (µs) the last job took; nullopt before the first.
    std::optional<std::uint64_t> last_start_us;
    std::uint64_t next_start_us() const { return last_start_us ? *last_start_us + interval_us : 0; }
  };
  struct Limits {
    std::optional<Rate> rate;
    std::optional<std::uint32_t> concurrency;
  };

  static std::size_t index(LimitSpec::Scope scope) {
    return scope == LimitSpec::Scope::kType ? 0 : 1;
  }
  bool allows(LimitSpec::Scope scope, std::string_view name, std::uint64_t now_ms) const;
  void count_start(LimitSpec::Scope scope, std::string_view name);
  void forget_idle_names(LimitSpec::Scope scope);

  // Names seen but idle (no job running) are dropped once a scope has this many: enough for
  // every type and queue of a real pipeline, so that the hot path seldom allocates a name.
  static constexpr std::size_t kIdleNamesKept = 1024;

  // By scope: [0] types, [1] queues.
  NameMap<Limits> limits_[2];
  NameMap<std::uint32_t> running_[2];  // every name seen with a job, running or idle
  std::size_t forget_at_[2] = {kIdleNamesKept, kIdleNamesKept};
  std::size_t limit_count_ = 0;  // specs held, both scopes
};

}  // namespace zpipe
