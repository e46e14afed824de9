#include "common/job_end_status.hpp"

namespace zpipe {

std::string_view job_end_status_name(OutcomeStatus status) {
  return status == OutcomeStatus::kFailed ? "dead" : to_string(status);
}

std::optional<OutcomeStatus> job_end_status_from(std::string_view name) {
  if (name == "dead") return OutcomeStatus::kFailed;
  return outcome_status_from(name);
}

}  // namespace zpipe
