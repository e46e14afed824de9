#include "worker/builtin_handlers.hpp"

#include "worker/thumbnail_loader.hpp"

namespace zpipe {

HandlerResult echo_handler(const Job& job, const JobContext&) { return succeed_with(job.payload); }

HandlerResult sleep_handler(const Job& job, const JobContext& context) {
  const auto args = job.payload.to_json();
  const auto& ms = args.is_object() && args.contains("ms") ? args["ms"] : args;
  // A year at most: larger numbers (up to 2^64 - 1) would wrap into a negative duration.
  constexpr std::uint64_t kMaxMs = 365ULL * 24 * 3600 * 1000;
  const bool in_range = (ms.is_number_unsigned() && ms.get<std::uint64_t>() <= kMaxMs) ||
                        (ms.is_number_integer() && ms.get<std::int64_t>() >= 0 &&
                         static_cast<std::uint64_t>(ms.get<std::int64_t>()) <= kMaxMs);
  if (!in_range) {
    return fail(Error{ErrorCode::kInvalid, "sleep needs a payload {\"ms\": N} with 0 <= N <= " +
                                               std::to_string(kMaxMs) + " (a year)"});
  }
  const auto duration = std::chrono::milliseconds(ms.get<std::uint64_t>());
  if (context.sleep_for(duration)) return succeed({{"slept_ms", duration.count()}});
  if (context.is_cancelled()) return fail(Error{ErrorCode::kCancelled, "worker stopped"});
  return fail(Error{ErrorCode::kTimeout, "timed out after " + std::to_string(job.timeout_ms) +
                                             " ms (sleep of " + std::to_string(duration.count()) +
                                             " ms)"});
}

HandlerResult fail_handler(const Job& job, const JobContext&) {
  const auto args = job.payload.to_json();
  std::string message = "failed on request";
  if (args.is_string()) {
    message = args.get<std::string>();
  } else if (args.is_object() && args.contains("message") && args["message"].is_string()) {
    message = args["message"].get<std::string>();
  }
  return fail(std::move(message));
}

std::map<std::string, Handler> builtin_handlers(const ExecLimits& exec_limits) {
  return {
      {"echo", echo_handler},
      {"sleep", sleep_handler},
      {"fail", fail_handler},
      {"exec",
       [exec_limits](const Job& job, const JobContext& context) {
         return exec_handler(job, context, exec_limits);
       }},
      {"thumbnail", thumbnail_via_plugin},
  };
}

}  // namespace zpipe
