// Making waiting jobs due now ("run_now"): a delayed job (scheduled for later) or a failed one
// waiting out its retry delay stops waiting and joins the back of its queue, as if its time had
// come, kept so in the journal. Answered by RunNowReply ("run_now_reply"), one result per id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zpipe {

// At most kMaxJobsPerQuery ids.
struct RunNowRequest {
  std::uint64_t req = 0;
  std::vector<std::string> ids;
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const RunNowRequest&, const RunNowRequest&) = default;
};

enum class RunNowResult {
  kDue,      // it waited for a time (scheduled or retrying): it is due now
  kPending,  // it was due already, waiting for a worker: nothing to do
  kRunning,  // a worker runs it now
  kOver,     // it has ended (succeeded, dead, cancelled)
  kUnknown,  // not a job this pipeline holds
};
std::string_view to_string(RunNowResult result);
std::optional<RunNowResult> run_now_result_from(std::string_view text);

struct RunNowJob {
  std::string id;
  RunNowResult result = RunNowResult::kUnknown;
  friend bool operator==(const RunNowJob&, const RunNowJob&) = default;
};

// What became of each job, in the order asked.
struct RunNowReply {
  std::uint64_t req = 0;
  std::vector<RunNowJob> jobs;
  std::string pipeline{};
  friend bool operator==(const RunNowReply&, const RunNowReply&) = default;
};

}  // namespace zpipe
