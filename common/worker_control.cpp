#include "common/worker_control.hpp"

#include <array>
#include <utility>

namespace zpipe {
namespace {

constexpr std::array<std::pair<WorkerAction, std::string_view>, 3> kActionNames{{
    {WorkerAction::kPause, "pause"},
    {WorkerAction::kResume, "resume"},
    {WorkerAction::kStop, "stop"},
}};

}  // namespace

std::string_view to_string(WorkerAction action) {
  for (const auto& [value, name] : kActionNames) {
    if (value == action) return name;
  }
  return "pause";
}

std::optional<WorkerAction> worker_action_from(std::string_view text) {
  for (const auto& [value, name] : kActionNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace zpipe
