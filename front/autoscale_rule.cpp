#include "front/autoscale_rule.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/duration_text.hpp"

namespace zpipe {

AutoscaleRule::AutoscaleRule(AutoscaleSettings settings) : settings_(settings) {}

int AutoscaleRule::wanted(const LoadSample& sample, int running) const {
  const auto clamp = [this](double n) {
    if (n >= settings_.max) return settings_.max;
    return std::max(settings_.min, static_cast<int>(n));
  };
  if (sample.work == 0) return settings_.min;
  if (running == 0 && sample.other_workers == 0) return clamp(1);  // from zero: one at once
  const auto per_second = rate_.per_second();
  if (per_second && *per_second > 0) {
    // Each connected worker's share of the rate, and workers enough to finish in the target.
    const int connected = std::max(1, sample.other_workers + sample.own_connected);
    const double each = *per_second / connected;
    const double target_s = std::chrono::duration<double>(settings_.target_wait).count();
    const double total = std::ceil(static_cast<double>(sample.work) / (each * target_s));
    return clamp(total - sample.other_workers);
  }
  // Nothing finished for a while (long jobs) with jobs waiting for a slot: one more per target.
  if (per_second && sample.waiting > 0 && rate_.stalled_for() >= settings_.target_wait) {
    const bool added_lately = last_up_ && sample.at - *last_up_ < settings_.target_wait;
    return clamp(running + (added_lately ? 0 : 1));
  }
  return clamp(running);  // not measured yet: as is
}

ScaleDecision AutoscaleRule::decide(const LoadSample& sample, int running) {
  if (!started_) started_ = sample.at;
  rate_.add(sample.at, sample.finished, sample.work);
  const int want = wanted(sample, running);
  wanted_.push_back({sample.at, want});
  while (!wanted_.empty() && sample.at - wanted_.front().at > settings_.quiet_period) {
    wanted_.pop_front();
  }

  ScaleDecision decision{running, ""};
  if (running < settings_.min) {
    decision.workers = settings_.min;
    decision.why = "fewer than --min";
  } else if (running > settings_.max) {
    decision.workers = settings_.max;
    decision.why = "more than --max";
  } else if (want > running) {
    if (!last_up_ || sample.at - *last_up_ >= kSettle) {
      decision.workers = want;
      decision.why = describe(sample);
    }
  } else if (want < running) {
    // Down only when a whole quiet period, without an addition, asked for fewer.
    const auto quiet_since = std::max(*started_, last_up_.value_or(*started_));
    if (sample.at - quiet_since >= settings_.quiet_period) {
      int highest = settings_.min;
      for (const auto& w : wanted_) highest = std::max(highest, w.workers);
      if (highest < running) {
        decision.workers = highest;
        decision.why =
            describe(sample) + "; fewer were enough for " + duration_text(settings_.quiet_period);
      }
    }
  }
  if (decision.workers > running) {
    last_up_ = sample.at;
    rate_.restart();  // the new workers' rate, not the old one's, decides what comes next
  }
  return decision;
}

std::string AutoscaleRule::describe(const LoadSample& sample) const {
  if (sample.work == 0) return "no backlog";
  char text[160];
  const auto rate = rate_.per_second();
  const auto eta = rate_.eta();
  const double target_s = std::chrono::duration<double>(settings_.target_wait).count();
  if (eta) {
    const double eta_s = std::chrono::duration<double>(*eta).count();
    std::snprintf(text, sizeof text, "backlog %llu, %.1f jobs/s, ETA %.0f s %s %.0f s",
                  static_cast<unsigned long long>(sample.work), rate.value_or(0), eta_s,
                  eta_s > target_s ? ">" : "<=", target_s);
  } else {
    std::snprintf(text, sizeof text, "backlog %llu, %llu waiting for a slot, none finished",
                  static_cast<unsigned long long>(sample.work),
                  static_cast<unsigned long long>(sample.waiting));
  }
  return text;
}

}  // namespace zpipe
