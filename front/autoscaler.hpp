// Autoscaler: runs one host's workers by AutoscaleRule, between MIN and MAX, from what the
// ventilator says each second (its counts and its workers); what `zpipe scale` and
// `zpipe up --autoscale` run. Every change is said, with why, through `say`.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "client/client.hpp"
#include "front/autoscale_rule.hpp"
#include "front/worker_fleet.hpp"

namespace zpipe {

struct AutoscalerConfig {
  AutoscaleSettings settings;
  ClientConfig client;  // to the ventilator
  std::vector<std::string> worker_argv;
  ChildOptions worker_output;
  // The job types the workers take (their --types): only those jobs' backlog counts, and only
  // the workers that take one of them. Empty: every type.
  std::set<std::string> types;
  std::chrono::milliseconds stop_grace{40'000};  // a worker's --grace and then some
};

class Autoscaler {
 public:
  using Say = std::function<void(const std::string&)>;
  // Consecutive quick exits of the worker command after which it is taken for broken.
  static constexpr int kQuickExitsToGiveUp = 3;

  // Starts MIN workers.
  Autoscaler(AutoscalerConfig config, Say say);
  // One round: asks the ventilator, then starts or stops workers. Throws std::runtime_error
  // when the worker command keeps ending at its start.
  void tick();
  int running() const { return fleet_.running(); }
  // Stops every worker gracefully; false when one ended badly.
  bool stop();

 private:
  std::optional<LoadSample> probe();
  void replace_ended();

  AutoscalerConfig config_;
  Say say_;
  Client client_;
  AutoscaleRule rule_;
  WorkerFleet fleet_;
  std::set<pid_t> busy_;  // own workers holding jobs, at the last probe
  std::string host_;      // this host's name, as workers put it in their host:pid
  bool unanswered_ = false;
  int quick_exits_ = 0;
};

}  // namespace zpipe
