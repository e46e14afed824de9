#include "ventilator/dispatch_limits.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <tuple>

namespace zpipe {
namespace {

using Scope = LimitSpec::Scope;
using Kind = LimitSpec::Kind;

constexpr Scope kScopes[] = {Scope::kType, Scope::kQueue};
// About 300 years: a rate so slow it lets one job through in a lifetime is still a number.
constexpr double kLongestIntervalUs = 1e16;

std::uint64_t interval_us(double per_second) {
  // Rounded up, so that the spacing is never shorter than the rate asks.
  return static_cast<std::uint64_t>(std::min(std::ceil(1e6 / per_second), kLongestIntervalUs));
}

std::uint64_t ceil_ms(std::uint64_t us) { return (us + 999) / 1000; }

}  // namespace

void DispatchLimits::set(const LimitSpec& spec) {
  assert(!spec.name.empty());
  auto& limits = limits_[index(spec.scope)][spec.name];
  if (spec.kind == Kind::kConcurrency) {
    assert(spec.concurrency >= 1);
    if (!limits.concurrency) ++limit_count_;
    limits.concurrency = spec.concurrency;
    return;
  }
  assert(spec.per_second > 0);
  if (!limits.rate) {
    ++limit_count_;
    limits.rate = Rate{};
  }
  // A new rate keeps the last start, so that it applies from there.
  limits.rate->per_second = spec.per_second;
  limits.rate->interval_us = interval_us(spec.per_second);
}

bool DispatchLimits::clear(Scope scope, std::string_view name, Kind kind) {
  auto& by_name = limits_[index(scope)];
  const auto found = by_name.find(name);
  if (found == by_name.end()) return false;
  auto& limits = found->second;
  const bool had = kind == Kind::kRate ? limits.rate.has_value() : limits.concurrency.has_value();
  if (kind == Kind::kRate) {
    limits.rate.reset();
  } else {
    limits.concurrency.reset();
  }
  if (had) --limit_count_;
  if (!limits.rate && !limits.concurrency) by_name.erase(found);
  return had;
}

bool DispatchLimits::clear(Scope scope, std::string_view name) {
  const bool rate = clear(scope, name, Kind::kRate);
  const bool concurrency = clear(scope, name, Kind::kConcurrency);
  return rate || concurrency;
}

std::vector<LimitSpec> DispatchLimits::specs() const {
  std::vector<LimitSpec> all;
  all.reserve(limit_count_);
  for (const auto scope : kScopes) {
    for (const auto& [name, limits] : limits_[index(scope)]) {
      if (limits.rate) {
        LimitSpec spec;
        spec.scope = scope;
        spec.name = name;
        spec.kind = Kind::kRate;
        spec.per_second = limits.rate->per_second;
        all.push_back(std::move(spec));
      }
      if (limits.concurrency) {
        LimitSpec spec;
        spec.scope = scope;
        spec.name = name;
        spec.kind = Kind::kConcurrency;
        spec.concurrency = *limits.concurrency;
        all.push_back(std::move(spec));
      }
    }
  }
  std::sort(all.begin(), all.end(), [](const LimitSpec& a, const LimitSpec& b) {
    return std::tie(a.scope, a.name, a.kind) < std::tie(b.scope, b.name, b.kind);
  });
  return all;
}

bool DispatchLimits::allows(Scope scope, std::string_view name, std::uint64_t now_ms) const {
  const auto& by_name = limits_[index(scope)];
  if (by_name.empty()) return true;
  const auto found = by_name.find(name);
  if (found == by_name.end()) return true;
  const auto& limits = found->second;
  if (limits.rate && now_ms * 1000 < limits.rate->next_start_us()) return false;
  return !limits.concurrency || running(scope, name) < *limits.concurrency;
}

void DispatchLimits::started(std::string_view type, std::string_view queue, std::uint64_t now_ms) {
  count_start(Scope::kType, type);
  count_start(Scope::kQueue, queue);
  const std::string_view names[] = {type, queue};
  for (const auto scope : kScopes) {
    auto& by_name = limits_[index(scope)];
    if (by_name.empty()) continue;
    const auto found = by_name.find(names[index(scope)]);
    if (found == by_name.end() || !found->second.rate) continue;
    auto& rate = *found->second.rate;
    // The job takes the next free start: now, or later when it started ahead of its turn.
    rate.last_start_us = std::max(now_ms * 1000, rate.next_start_us());
  }
}

void DispatchLimits::count_start(Scope scope, std::string_view name) {
  auto& running = running_[index(scope)];
  auto found = running.find(name);
  if (found == running.end()) {
    if (running.size() >= forget_at_[index(scope)]) forget_idle_names(scope);
    found = running.emplace(std::string(name), 0).first;
  }
  ++found->second;
}

void DispatchLimits::forget_idle_names(Scope scope) {
  auto& running = running_[index(scope)];
  std::erase_if(running, [](const auto& entry) { return entry.second == 0; });
  // When most names are busy, wait until there are twice as many before looking again.
  forget_at_[index(scope)] = std::max(kIdleNamesKept, 2 * running.size());
}

void DispatchLimits::finished(std::string_view type, std::string_view queue) {
  const std::string_view names[] = {type, queue};
  for (const auto scope : kScopes) {
    auto& running = running_[index(scope)];
    const auto found = running.find(names[index(scope)]);
    if (found != running.end() && found->second > 0) --found->second;
  }
}

std::optional<std::uint64_t> DispatchLimits::next_allowed_ms(std::uint64_t now_ms) const {
  std::optional<std::uint64_t> earliest;
  for (const auto& by_name : limits_) {
    for (const auto& [name, limits] : by_name) {
      if (!limits.rate || limits.rate->next_start_us() <= now_ms * 1000) continue;
      const auto at = ceil_ms(limits.rate->next_start_us());
      if (!earliest || at < *earliest) earliest = at;
    }
  }
  return earliest;
}

std::uint32_t DispatchLimits::running(Scope scope, std::string_view name) const {
  const auto& running = running_[index(scope)];
  const auto found = running.find(name);
  return found == running.end() ? 0 : found->second;
}

std::vector<DispatchLimits::LimitState> DispatchLimits::states(std::uint64_t now_ms) const {
  std::vector<LimitState> all;
  for (auto& spec : specs()) {
    LimitState state;
    state.running = running(spec.scope, spec.name);
    if (spec.kind == Kind::kRate) {
      const auto& rate = *limits_[index(spec.scope)].find(spec.name)->second.rate;
      state.next_start_ms = std::max(now_ms, ceil_ms(rate.next_start_us()));
    }
    state.spec = std::move(spec);
    all.push_back(std::move(state));
  }
  return all;
}

}  // namespace zpipe
