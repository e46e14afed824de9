#include "front/autoscale_options.hpp"

#include <charconv>

#include "common/duration_text.hpp"

namespace zpipe {

void AutoscaleFlags::add_options(CLI::App& app, const std::string& group) {
  app.add_option("--target-wait", target_wait,
                 "Start workers while the backlog would take longer than this to finish at "
                 "the current rate (90s, 2m...)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group(group);
  app.add_option("--quiet-period", quiet_period,
                 "Stop idle workers once fewer have been enough for this long")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group(group);
}

Result<bool> AutoscaleFlags::apply(AutoscaleSettings& settings) const {
  const auto wait = parse_duration(target_wait);
  if (!wait.ok()) return Error{ErrorCode::kInvalid, "--target-wait: " + wait.error().message};
  const auto quiet = parse_duration(quiet_period);
  if (!quiet.ok()) return Error{ErrorCode::kInvalid, "--quiet-period: " + quiet.error().message};
  settings.target_wait = wait.value();
  settings.quiet_period = quiet.value();
  return true;
}

Result<bool> parse_min_max(const std::string& text, AutoscaleSettings& settings) {
  const auto colon = text.find(':');
  auto number = [](std::string_view digits, int& out) {
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
  };
  const std::string_view all(text);
  if (colon == std::string::npos || !number(all.substr(0, colon), settings.min) ||
      !number(all.substr(colon + 1), settings.max)) {
    return Error{ErrorCode::kInvalid,
                 "\"" + text + "\" is not MIN:MAX, the fewest and most workers (e.g. 1:4)"};
  }
  if (auto problem = check_min_max(settings)) return Error{ErrorCode::kInvalid, *problem};
  return true;
}

std::optional<std::string> check_min_max(const AutoscaleSettings& settings) {
  if (settings.min < 0 || settings.max < 1 || settings.max > 256) {
    return "the most workers must be 1 to 256 and the fewest 0 or more";
  }
  if (settings.min > settings.max) {
    return "the fewest workers (" + std::to_string(settings.min) + ") is more than the most (" +
           std::to_string(settings.max) + ")";
  }
  return std::nullopt;
}

}  // namespace zpipe
