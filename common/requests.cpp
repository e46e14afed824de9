#include "common/requests.hpp"

#include <array>
#include <utility>

namespace zpipe {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 6> kStateNames{{
    {JobState::kPending, "pending"},
    {JobState::kRunning, "running"},
    {JobState::kRetrying, "retrying"},
    {JobState::kSucceeded, "succeeded"},
    {JobState::kDead, "dead"},
    {JobState::kUnknown, "unknown"},
}};

}  // namespace

std::string_view to_string(JobState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "unknown";
}

std::optional<JobState> job_state_from(std::string_view text) {
  for (const auto& [s, name] : kStateNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

}  // namespace zpipe
