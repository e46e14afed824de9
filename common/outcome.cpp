#include "common/outcome.hpp"

#include "common/result.hpp"

namespace zpipe {

std::string_view to_string(OutcomeStatus status) {
  switch (status) {
    case OutcomeStatus::kSucceeded:
      return "succeeded";
    case OutcomeStatus::kFailed:
      return "failed";
    case OutcomeStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<OutcomeStatus> outcome_status_from(std::string_view text) {
  if (text == "succeeded") return OutcomeStatus::kSucceeded;
  if (text == "failed") return OutcomeStatus::kFailed;
  if (text == "cancelled") return OutcomeStatus::kCancelled;
  return std::nullopt;
}

bool ends_job(const Outcome& outcome) {
  return outcome.status != OutcomeStatus::kFailed || outcome.attempt >= outcome.max_attempts ||
         outcome.error_code == to_string(ErrorCode::kInvalid);
}

void keep_job_payload(Outcome& outcome, Payload&& payload) {
  const auto bytes = payload.msgpack().size();
  if (bytes <= kKeptPayloadMaxBytes) {
    outcome.payload = std::move(payload);
    outcome.payload_bytes = 0;
  } else {
    outcome.payload.reset();
    outcome.payload_bytes = bytes;
  }
}

}  // namespace zpipe
