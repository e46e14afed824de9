#include "ventilator/job_policy.hpp"

#include <algorithm>
#include <charconv>

namespace zpipe {

std::uint64_t retry_delay_ms(const JobPolicy& policy, std::uint32_t failed_attempt, double unit) {
  const auto cap = static_cast<double>(policy.retry_max_ms);
  double delay = static_cast<double>(policy.retry_base_ms);
  for (std::uint32_t i = 1; i < failed_attempt && delay < cap; ++i) delay *= 2;
  return static_cast<std::uint64_t>(std::min(delay, cap) * (0.75 + 0.5 * unit));
}

std::optional<std::string> parse_max_attempts(const std::vector<std::string>& values,
                                              JobPolicy& policy) {
  for (const auto& value : values) {
    const auto equals = value.find('=');
    const auto type = equals == std::string::npos ? std::string() : value.substr(0, equals);
    const auto number = equals == std::string::npos ? value : value.substr(equals + 1);
    std::uint32_t attempts = 0;
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), attempts);
    if (error != std::errc() || end != number.data() + number.size() || attempts == 0 ||
        (equals != std::string::npos && type.empty())) {
      return "\"" + value + "\" is not N or TYPE=N with N at least 1";
    }
    if (type.empty()) {
      policy.max_attempts = attempts;
    } else {
      policy.max_attempts_by_type[type] = attempts;
    }
  }
  return std::nullopt;
}

}  // namespace zpipe
