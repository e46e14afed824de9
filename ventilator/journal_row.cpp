#include "ventilator/journal_row.hpp"

#include <limits>
#include <optional>
#include <string_view>

#include "common/protocol.hpp"

namespace zpipe {
namespace {

// `value` when it lies in [low, high]; else nullopt.
std::optional<std::uint64_t> in_range(std::int64_t value, std::uint64_t low, std::uint64_t high) {
  if (value < 0) return std::nullopt;
  const auto unsigned_value = static_cast<std::uint64_t>(value);
  if (unsigned_value < low || unsigned_value > high) return std::nullopt;
  return unsigned_value;
}

Error out_of_range(std::string_view column, std::int64_t value) {
  return make_error(ErrorCode::kInvalid, "column " + std::string(column) + " holds " +
                                             std::to_string(value) + ", out of range");
}

}  // namespace

Payload restore_payload(const std::string& stored, const DecodeLimits& limits) {
  auto payload = decode_payload(stored, limits);
  return payload.ok() ? std::move(payload).value() : Payload();
}

Result<TrackedJob> restore_job(const JournalRow& row, const DecodeLimits& limits) {
  constexpr std::uint64_t kMaxCount = std::numeric_limits<std::uint32_t>::max();
  constexpr std::uint64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
  if (row.id.empty()) return make_error(ErrorCode::kInvalid, "column id is empty");
  if (row.type.empty()) return make_error(ErrorCode::kInvalid, "column type is empty");
  const auto attempt = in_range(row.attempt, 1, kMaxCount);
  if (!attempt) return out_of_range("attempt", row.attempt);
  const auto max_attempts = in_range(row.max_attempts, 1, kMaxCount);
  if (!max_attempts) return out_of_range("max_attempts", row.max_attempts);
  const auto attempts_per_round = in_range(row.attempts_per_round, 1, kMaxCount);
  if (!attempts_per_round) return out_of_range("attempts_per_round", row.attempts_per_round);
  const auto timeout_ms = in_range(row.timeout_ms, 0, limits.max_timeout_ms);
  if (!timeout_ms) return out_of_range("timeout_ms", row.timeout_ms);
  const auto created_ms = in_range(row.created_ms, 0, kMaxTime);
  if (!created_ms) return out_of_range("created_ms", row.created_ms);
  const auto due_ms = in_range(row.due_ms, 0, kMaxTime);
  if (!due_ms) return out_of_range("due_ms", row.due_ms);

  if (row.priority < std::numeric_limits<std::int32_t>::min() ||
      row.priority > std::numeric_limits<std::int32_t>::max()) {
    return out_of_range("priority", row.priority);
  }
  TrackedJob t;
  t.journal_row = row.row;
  if (!row.queue.empty()) t.job.queue = SharedName(row.queue);
  t.priority = static_cast<std::int32_t>(row.priority);
  t.job.id = row.id;
  t.job.type = SharedName(row.type);
  t.payload_in_journal = row.payload_left_out;
  if (!row.payload_left_out) t.job.payload = restore_payload(row.payload, limits);
  t.job.attempt = static_cast<std::uint32_t>(*attempt);
  t.job.max_attempts = static_cast<std::uint32_t>(*max_attempts);
  t.attempts_per_round = static_cast<std::uint32_t>(*attempts_per_round);
  t.job.timeout_ms = *timeout_ms;
  t.job.created_ms = *created_ms;
  t.due_ms = *due_ms;
  JobLinks links{row.parent, row.batch, {}, {}};
  if (!row.workflow.empty()) {
    if (auto workflow = decode_job_specs(row.workflow, limits);
        workflow.ok() && workflow.value().size() == 1) {
      links.then = std::move(workflow.value()[0].then);
      links.on_failure = std::move(workflow.value()[0].on_failure);
    }
  }
  if (!links.empty()) t.job.links = std::make_shared<const JobLinks>(std::move(links));
  return t;
}

}  // namespace zpipe
