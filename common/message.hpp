// Message: any decoded protocol message. Each socket accepts only some alternatives and refuses
// the others as kUnexpectedKind.
#pragma once

#include <string_view>
#include <variant>

#include "common/ack.hpp"
#include "common/batch_requests.hpp"
#include "common/event.hpp"
#include "common/job.hpp"
#include "common/job_credit.hpp"
#include "common/outcome.hpp"
#include "common/queue_requests.hpp"
#include "common/requests.hpp"
#include "common/run_now_requests.hpp"
#include "common/schedule_requests.hpp"
#include "common/worker_control.hpp"

namespace zpipe {

using Message =
    std::variant<SubmitRequest, SubmitAccepted, SubmitRefused, StatusRequest, StatusReply, Job,
                 Outcome, AckBatch, Event, DeadJobsRequest, Credit, JobBatch, OutcomeBatch,
                 Heartbeat, Release, JobsQuery, JobStates, WorkersRequest, WorkersReply,
                 CancelRequest, CancelReply, CancelJobs, QueuesRequest, QueueControl, LimitControl,
                 QueuesReply, ScheduledRequest, ScheduledReply, ScheduleControl, SchedulesReply,
                 BatchOpen, BatchSeal, BatchesRequest, BatchesReply, WorkerControl,
                 WorkerControlReply, ControlWorker, RunNowRequest, RunNowReply>;

// The "k" value of each alternative, as on the wire.
std::string_view kind_name(const Message& message);

}  // namespace zpipe
