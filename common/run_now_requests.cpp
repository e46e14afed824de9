#include "common/run_now_requests.hpp"

#include <array>
#include <utility>

namespace zpipe {
namespace {

constexpr std::array<std::pair<RunNowResult, std::string_view>, 5> kResultNames{{
    {RunNowResult::kDue, "due"},
    {RunNowResult::kPending, "pending"},
    {RunNowResult::kRunning, "running"},
    {RunNowResult::kOver, "over"},
    {RunNowResult::kUnknown, "unknown"},
}};

}  // namespace

std::string_view to_string(RunNowResult result) {
  for (const auto& [value, name] : kResultNames) {
    if (value == result) return name;
  }
  return "unknown";
}

std::optional<RunNowResult> run_now_result_from(std::string_view text) {
  for (const auto& [value, name] : kResultNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace zpipe
