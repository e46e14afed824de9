#include "worker/builtin_handlers.hpp"

#include "common/builtin_payloads.hpp"
#include "worker/thumbnail_loader.hpp"

namespace zpipe {

HandlerResult echo_handler(const Job& job, const JobContext&) { return succeed_with(job.payload); }

HandlerResult sleep_handler(const Job& job, const JobContext& context) {
  const auto ms = sleep_ms_of(job.payload.to_json());
  if (!ms.ok()) return fail(ms.error());
  const auto duration = std::chrono::milliseconds(ms.value());
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

std::vector<std::string> builtin_types() {
  std::vector<std::string> types;
  for (const auto& [type, handler] : builtin_handlers({})) types.push_back(type);
  return types;
}

}  // namespace zpipe
