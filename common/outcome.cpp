#include "common/outcome.hpp"

#include "common/result.hpp"

namespace zpipe {

std::string_view to_string(OutcomeStatus status) {
  return status == OutcomeStatus::kSucceeded ? "succeeded" : "failed";
}

std::optional<OutcomeStatus> outcome_status_from(std::string_view text) {
  if (text == "succeeded") return OutcomeStatus::kSucceeded;
  if (text == "failed") return OutcomeStatus::kFailed;
  return std::nullopt;
}

bool ends_job(const Outcome& outcome) {
  return outcome.succeeded() || outcome.attempt >= outcome.max_attempts ||
         outcome.error_code == to_string(ErrorCode::kInvalid);
}

}  // namespace zpipe
