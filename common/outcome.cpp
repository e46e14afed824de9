#include "common/outcome.hpp"

namespace zpipe {

std::string_view to_string(OutcomeStatus status) {
  return status == OutcomeStatus::kSucceeded ? "succeeded" : "failed";
}

std::optional<OutcomeStatus> outcome_status_from(std::string_view text) {
  if (text == "succeeded") return OutcomeStatus::kSucceeded;
  if (text == "failed") return OutcomeStatus::kFailed;
  return std::nullopt;
}

}  // namespace zpipe
