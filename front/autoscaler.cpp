#include "front/autoscaler.hpp"

#include <stdexcept>

#include "common/plural.hpp"
#include "common/process_name.hpp"
#include "front/autoscale_load.hpp"

namespace zpipe {

Autoscaler::Autoscaler(AutoscalerConfig config, Say say)
    : config_(std::move(config)),
      say_(std::move(say)),
      client_(config_.client),
      rule_(config_.settings),
      fleet_(config_.worker_argv, config_.worker_output) {
  const auto self = host_and_pid();
  host_ = self.substr(0, self.rfind(':'));
  if (config_.settings.min > 0) {
    fleet_.start(config_.settings.min);
    say_("started " + count_noun(static_cast<std::uint64_t>(config_.settings.min), "worker") +
         " (--min)");
  }
}

std::optional<LoadSample> Autoscaler::probe() {
  auto unanswered = [this](const Error& error) -> std::optional<LoadSample> {
    if (!unanswered_) {
      say_("the ventilator does not answer (" + error.message + "): keeping " +
           count_noun(static_cast<std::uint64_t>(fleet_.running()), "worker") + " until it does");
    }
    unanswered_ = true;
    return std::nullopt;
  };
  auto status = client_.status_report();
  if (!status.ok()) return unanswered(status.error());
  auto workers = client_.workers();
  if (!workers.ok()) return unanswered(workers.error());
  if (unanswered_) say_("the ventilator answers again");
  unanswered_ = false;

  auto load = measure_load(status.value(), workers.value(), fleet_.running_pids(), host_,
                           config_.types, std::chrono::steady_clock::now());
  busy_ = std::move(load.busy_own);
  return load.sample;
}

void Autoscaler::replace_ended() {
  for (const auto& ended : fleet_.reap()) {
    say_("worker " + std::to_string(ended.pid) + " " + ended.how +
         (ended.quickly ? " soon after its start" : ""));
    quick_exits_ = ended.quickly ? quick_exits_ + 1 : 0;
    if (quick_exits_ >= kQuickExitsToGiveUp) {
      throw std::runtime_error("the worker command ended at its start " +
                               std::to_string(quick_exits_) + " times in a row (" + ended.how +
                               "); see its output above, or run it by hand");
    }
  }
}

void Autoscaler::tick() {
  replace_ended();
  const auto sample = probe();
  if (!sample) return;
  const int running = fleet_.running();
  const auto decision = rule_.decide(*sample, running);
  if (decision.workers > running) {
    fleet_.start(decision.workers - running);
    say_(std::to_string(running) + " -> " +
         count_noun(static_cast<std::uint64_t>(decision.workers), "worker") + ": " + decision.why);
  } else if (decision.workers < running) {
    const int asked = fleet_.stop_idle(running - decision.workers, busy_);
    if (asked > 0) {
      say_(std::to_string(running) + " -> " +
           count_noun(static_cast<std::uint64_t>(running - asked), "worker") + ": " + decision.why +
           " (stopping idle ones)");
    }
  }
}

bool Autoscaler::stop() { return fleet_.stop_all(config_.stop_grace); }

}  // namespace zpipe
