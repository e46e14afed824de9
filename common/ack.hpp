// AckBatch: the sink tells the ventilator which job outcomes it has durably recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/outcome.hpp"

namespace zpipe {

struct Ack {
  std::string id;
  OutcomeStatus status = OutcomeStatus::kSucceeded;  // as recorded (the first outcome wins)
  bool duplicate = false;     // this outcome was a repeat of one already recorded
  std::uint32_t attempt = 1;  // the attempt the outcome came from
  bool final = true;          // the job is over: it succeeded, or failed on its last attempt
  // A failed attempt recorded now: why, so that the ventilator can tell a client who asks
  // (the error cut to kAckErrorBytes; the store keeps it whole). Empty otherwise.
  std::string error_code{};
  std::string error{};
  // A recorded success's follow-ups (the first outcome's, for a duplicate too): the handler's,
  // then `next`, its chain's next step (its payload holds the result). The ventilator creates
  // them when this ack ends the job, and never again.
  std::vector<JobSpec> follow_ups{};
  std::optional<JobSpec> next{};
  friend bool operator==(const Ack&, const Ack&) = default;
};

inline constexpr std::size_t kAckErrorBytes = 512;

struct AckBatch {
  std::vector<Ack> acks;
  // How late the sink records: its clock now less the earliest `finished_ms` among these
  // outcomes (0 when not behind). A job's outcome can wait that long in the queues to the sink;
  // the ventilator waits that much longer before it takes a job for lost.
  std::uint64_t lag_ms = 0;
  friend bool operator==(const AckBatch&, const AckBatch&) = default;
};

}  // namespace zpipe
