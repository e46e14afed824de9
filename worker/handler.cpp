#include "worker/handler.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <utility>

#include "common/decode_limits.hpp"
#include "common/queue_name.hpp"

namespace zpipe {
namespace {

// Why the pipeline would refuse `spec`, said of `subject` ("follow-up mx-1.3 has no type"), or
// nullopt: the rules decode() applies to a job spec, so that an outcome is never refused for its
// follow-ups. `nested`: an entry of `then` or `on_failure`.
std::optional<std::string> spec_problem(const JobSpec& spec, const std::string& subject,
                                        bool nested) {
  // The time limit every program decodes with (no option changes it).
  const auto max_timeout_ms = DecodeLimits{}.max_timeout_ms;
  const auto too_long = [](const std::string& name) { return name.size() > kMaxNameBytes; };
  if (spec.type.empty()) return subject + " has no type";
  if (spec.timeout_ms > max_timeout_ms) {
    return subject + " has a timeout_ms over the limit of " + std::to_string(max_timeout_ms) +
           " ms";
  }
  if (!spec.queue.empty()) {
    if (auto problem = queue_name_problem(spec.queue)) return subject + ": " + *problem;
  }
  if (too_long(spec.unique_key) || too_long(spec.batch)) {
    return subject + " has a unique_key or batch longer than " + std::to_string(kMaxNameBytes) +
           " bytes";
  }
  if (nested && (!spec.then.empty() || !spec.on_failure.empty() || !spec.batch.empty())) {
    return subject +
           " has then, on_failure or batch of its own (a step of a chain or an on_failure job "
           "takes those of the job it follows)";
  }
  for (const auto& [name, entries] :
       {std::pair{"then", &spec.then}, std::pair{"on_failure", &spec.on_failure}}) {
    if (entries->size() > kMaxChainSteps) {
      return subject + " has " + std::to_string(entries->size()) + " " + name +
             " entries, more than the limit of " + std::to_string(kMaxChainSteps);
    }
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const auto& entry = (*entries)[i];
      const auto where = std::string(name) + "[" + std::to_string(i) + "] of " + subject;
      if (auto problem = spec_problem(entry, where, true)) return problem;
      if (auto problem = workflow_payload_problem(entry)) return where + ": " + *problem;
    }
  }
  return std::nullopt;
}

}  // namespace

bool JobContext::sleep_for(std::chrono::milliseconds duration) const {
  const auto until = Clock::now() + duration;
  // Short naps keep cancellation prompt without a condition variable per job.
  while (!is_cancelled()) {
    const auto now = Clock::now();
    if (now >= until) return true;
    if (now >= deadline_) return false;
    std::this_thread::sleep_for(
        std::min({until - now, deadline_ - now, Clock::duration(std::chrono::milliseconds(20))}));
  }
  return false;
}

void JobContext::enqueue(JobSpec spec) const {
  // Past the limit they are only counted: the attempt fails saying how many there were.
  if (++enqueued_ <= kMaxFollowUps) follow_ups_.push_back(std::move(spec));
}

void JobContext::enqueue_in_batch(JobSpec spec) const {
  spec.batch = std::string(batch());
  enqueue(std::move(spec));
}

Result<std::vector<JobSpec>> JobContext::take_follow_ups() {
  auto follow_ups = std::exchange(follow_ups_, {});
  const auto enqueued = std::exchange(enqueued_, 0);
  if (enqueued > kMaxFollowUps) {
    return make_error(ErrorCode::kTooLarge, "the handler enqueued " + std::to_string(enqueued) +
                                                " follow-ups, more than the limit of " +
                                                std::to_string(kMaxFollowUps));
  }
  for (std::size_t i = 0; i < follow_ups.size(); ++i) {
    const auto& spec = follow_ups[i];
    const auto subject = "follow-up " + follow_up_id(job_ != nullptr ? job_->id : "", i + 1) +
                         (spec.type.empty() ? "" : " (" + spec.type + ")");
    if (auto problem = spec_problem(spec, subject, false)) {
      return make_error(ErrorCode::kInvalid,
                        "the handler enqueued a follow-up that cannot be created: " + *problem);
    }
  }
  return follow_ups;
}

HandlerResult fail_with_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return fail(std::string("handler threw: ") + e.what());
  } catch (...) {
    return fail("handler threw a non-standard exception");
  }
}

}  // namespace zpipe
