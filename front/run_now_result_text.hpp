// What `zpipe run-now` says of each job.
#pragma once

#include <string_view>

#include "common/run_now_requests.hpp"

namespace zpipe {

// "due now: ...", or "not made due: " and why.
std::string_view describe_run_now_result(RunNowResult result);

}  // namespace zpipe
