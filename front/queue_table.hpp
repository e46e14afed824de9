// The tables of `zpipe queues` (and of pause, resume and limit, which answer with the queues):
// each queue with what it holds and how long its oldest job has waited, then the limits.
#pragma once

#include <string>

#include "common/queue_requests.hpp"

namespace zpipe {

// QUEUE, PENDING, RUNNING, SCHEDULED, LATENCY (age of the oldest pending job: "3.2s", "4m";
// "-" with none), PAUSED ("paused" or blank); then, after a blank line when there are any,
// LIMIT, RUNNING, WAITING. QUEUE and LIMIT are as wide as their longest value, at most 40 (cut
// with "..."). Each line ends in '\n'; "no queues yet\n" when the ventilator holds none.
std::string queue_table(const QueuesReply& reply);

}  // namespace zpipe
