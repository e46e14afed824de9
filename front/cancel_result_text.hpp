// What `zpipe cancel` says it did to each job.
#pragma once

#include <string_view>

#include "common/requests.hpp"

namespace zpipe {

// "cancelled", "cancelling (asked its worker to stop it)", "already over", "unknown".
std::string_view describe_cancel_result(CancelResult result);

}  // namespace zpipe
