// How a recorded job ended, by the names people and the web API use: `succeeded`, `dead`,
// `cancelled`. The store keeps a dead job's status as its last attempt's, 'failed'.
#pragma once

#include <optional>
#include <string_view>

#include "common/outcome.hpp"

namespace zpipe {

// "succeeded", "dead" (kFailed: the job failed its last attempt) or "cancelled".
std::string_view job_end_status_name(OutcomeStatus status);
// The status a name of job_end_status_name() stands for; "failed" is taken for "dead", as
// `zpipe results --status` and the store spell it. std::nullopt for any other text.
std::optional<OutcomeStatus> job_end_status_from(std::string_view name);

}  // namespace zpipe
