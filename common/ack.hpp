// AckBatch: the sink tells the ventilator which job outcomes it has durably recorded.
#pragma once

#include <cstdint>
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
  friend bool operator==(const Ack&, const Ack&) = default;
};

struct AckBatch {
  std::vector<Ack> acks;
  friend bool operator==(const AckBatch&, const AckBatch&) = default;
};

}  // namespace zpipe
