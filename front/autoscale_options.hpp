// The flags that set an AutoscaleRule, shared by `zpipe scale` and `zpipe up --autoscale`:
// --target-wait and --quiet-period, checked into AutoscaleSettings; and MIN:MAX as one word.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/result.hpp"
#include "front/autoscale_rule.hpp"

namespace zpipe {

struct AutoscaleFlags {
  std::string target_wait = "5s";
  std::string quiet_period = "30s";

  void add_options(CLI::App& app, const std::string& group);
  // The durations into `settings`; fails with a sentence naming the flag.
  Result<bool> apply(AutoscaleSettings& settings) const;
};

// "1:4" -> min 1, max 4 (0 <= MIN <= MAX, 1 <= MAX <= 256); fails with a sentence.
Result<bool> parse_min_max(const std::string& text, AutoscaleSettings& settings);
// A sentence when MIN..MAX is out of bounds, or nullopt.
std::optional<std::string> check_min_max(const AutoscaleSettings& settings);

}  // namespace zpipe
