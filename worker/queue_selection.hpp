// QueueSelection: which queues a worker serves and how it picks among them, as `--queues` says
// it: "critical,default,low" serves them in strict order (Resque: a job of a later queue only
// while the earlier ones have none); "critical:6,default:3,low:1" picks by weight (Sidekiq: in
// proportion to the weights). Nothing said: every queue.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace zpipe {

struct QueueSelection {
  std::vector<std::string> queues;     // in the order given; empty: every queue
  std::vector<std::uint32_t> weights;  // one per queue when weighted; empty: strict order

  bool is_weighted() const { return !weights.empty(); }
  friend bool operator==(const QueueSelection&, const QueueSelection&) = default;
};

// `items` as `--queues` gives them, split at commas: "NAME" each, or "NAME:WEIGHT" each (a whole
// number from 1 to 1,000,000). Fails (kInvalid, with a message for the user) on an empty or
// repeated name, a name with spaces, control characters, ',' or ':', or over 200 bytes, a weight
// that is not such a number, and a mix of weighted and unweighted names.
Result<QueueSelection> parse_queue_selection(const std::vector<std::string>& items);

// For logs and events, as the user would write it: "critical,default,low",
// "critical:6,default:3,low:1"; empty for every queue.
std::string queue_selection_text(const QueueSelection& selection);

}  // namespace zpipe
