#include "ventilator/limit_spec.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace zpipe {
namespace {

constexpr std::string_view kQueuePrefix = "queue:";
constexpr std::string_view kTypePrefix = "type:";
constexpr std::string_view kConcurrencyPrefix = "concurrency:";
constexpr double kMostPerSecond = 1'000'000;
constexpr std::uint32_t kMostConcurrency = 1'000'000;

// Units of a rate, in the order text() tries them.
constexpr std::array<std::pair<char, double>, 3> kRateUnits{{{'s', 1}, {'m', 60}, {'h', 3600}}};

Error invalid(std::string_view text, const std::string& why) {
  return Error{ErrorCode::kInvalid,
               "limit \"" + std::string(text) + "\": " + why +
                   "; write TYPE=10/s, TYPE=600/m, TYPE=100/h or TYPE=concurrency:4 for a job "
                   "type, queue:NAME=10/s or queue:NAME=concurrency:2 for a queue"};
}

// Digits with at most one dot between digits: "10", "2.5". No sign, no exponent.
bool is_plain_decimal(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto fraction =
      dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  const auto digits_only = [](std::string_view part) {
    return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits_only(whole) && digits_only(fraction);
}

// The shortest fixed-point text that reads back to exactly `value`.
std::string shortest_text(double value) {
  char text[64];
  const auto written = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
  return std::string(text, written.ptr);
}

std::string rate_text(double per_second) {
  // A whole number of jobs per second, minute or hour, that reads back to the same rate.
  for (const auto& [unit, seconds] : kRateUnits) {
    const double count = std::round(per_second * seconds);
    if (count >= 1 && count / seconds == per_second) {
      return shortest_text(count) + "/" + unit;
    }
  }
  return shortest_text(per_second) + "/s";
}

}  // namespace

std::string LimitSpec::text() const {
  std::string text;
  if (scope == Scope::kQueue) {
    text = std::string(kQueuePrefix) + name;
  } else if (name.starts_with(kQueuePrefix) || name.starts_with(kTypePrefix)) {
    text = std::string(kTypePrefix) + name;  // or it would read back as a queue
  } else {
    text = name;
  }
  text += "=";
  if (kind == Kind::kConcurrency)
    return text + std::string(kConcurrencyPrefix) + std::to_string(concurrency);
  return text + rate_text(per_second);
}

Result<LimitSpec> parse_limit(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) return invalid(text, "no '='");
  LimitSpec spec;
  auto name = text.substr(0, equals);
  if (name.starts_with(kQueuePrefix)) {
    spec.scope = LimitSpec::Scope::kQueue;
    name.remove_prefix(kQueuePrefix.size());
  } else if (name.starts_with(kTypePrefix)) {
    name.remove_prefix(kTypePrefix.size());
  }
  if (name.empty()) {
    return invalid(text, spec.scope == LimitSpec::Scope::kQueue ? "no queue name" : "no job type");
  }
  spec.name = std::string(name);

  const auto value = text.substr(equals + 1);
  if (value.starts_with(kConcurrencyPrefix)) {
    const auto count = value.substr(kConcurrencyPrefix.size());
    std::uint64_t n = 0;
    const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (error == std::errc::result_out_of_range) {
      return invalid(text, "concurrency " + std::string(count) + " is not 1 to 1000000");
    }
    if (count.empty() || error != std::errc() || end != count.data() + count.size()) {
      return invalid(text, "concurrency \"" + std::string(count) + "\" is not a whole number");
    }
    if (n < 1 || n > kMostConcurrency) {
      return invalid(text, "concurrency " + std::string(count) + " is not 1 to 1000000");
    }
    spec.kind = LimitSpec::Kind::kConcurrency;
    spec.concurrency = static_cast<std::uint32_t>(n);
    return spec;
  }

  const auto slash = value.find('/');
  if (slash == std::string_view::npos) {
    return invalid(text, "\"" + std::string(value) + "\" is neither a rate nor a concurrency");
  }
  const auto count = value.substr(0, slash);
  const auto unit = value.substr(slash + 1);
  double seconds = 0;
  for (const auto& [name_of_unit, unit_seconds] : kRateUnits) {
    if (unit.size() == 1 && unit[0] == name_of_unit) seconds = unit_seconds;
  }
  if (seconds == 0) {
    return invalid(text, "rate unit \"" + std::string(unit) + "\" is not s, m or h");
  }
  double number = 0;
  if (!is_plain_decimal(count) ||
      std::from_chars(count.data(), count.data() + count.size(), number).ec != std::errc()) {
    return invalid(text, "rate \"" + std::string(count) + "\" is not a number");
  }
  if (number <= 0) return invalid(text, "a rate of 0 lets nothing through");
  spec.per_second = number / seconds;
  if (spec.per_second > kMostPerSecond) {
    return invalid(text, "a rate above 1000000/s is no limit");
  }
  return spec;
}

}  // namespace zpipe
