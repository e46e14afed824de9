#include "common/requests.hpp"

#include <array>
#include <utility>

namespace zpipe {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 8> kStateNames{{
    {JobState::kPending, "pending"},
    {JobState::kRunning, "running"},
    {JobState::kRetrying, "retrying"},
    {JobState::kSucceeded, "succeeded"},
    {JobState::kDead, "dead"},
    {JobState::kScheduled, "scheduled"},
    {JobState::kCancelled, "cancelled"},
    {JobState::kUnknown, "unknown"},
}};

constexpr std::array<std::pair<CancelResult, std::string_view>, 4> kCancelResultNames{{
    {CancelResult::kCancelled, "cancelled"},
    {CancelResult::kCancelling, "cancelling"},
    {CancelResult::kOver, "over"},
    {CancelResult::kUnknown, "unknown"},
}};

template <class Enum, std::size_t N>
std::string_view name_in(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_in(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(JobState state) { return name_in(kStateNames, state); }
std::optional<JobState> job_state_from(std::string_view text) {
  return value_in(kStateNames, text);
}
std::string_view to_string(CancelResult result) { return name_in(kCancelResultNames, result); }
std::optional<CancelResult> cancel_result_from(std::string_view text) {
  return value_in(kCancelResultNames, text);
}

}  // namespace zpipe
