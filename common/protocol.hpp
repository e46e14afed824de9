// The wire protocol: every message is one msgpack map with "v" (protocol version) and "k"
// (kind), described field by field in docs/PROTOCOL.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/decode_limits.hpp"
#include "common/message.hpp"
#include "common/result.hpp"

namespace zpipe {

std::string encode(const SubmitRequest& message);
std::string encode(const SubmitAccepted& message);
std::string encode(const SubmitRefused& message);
std::string encode(const StatusRequest& message);
std::string encode(const StatusReply& message);
std::string encode(const Job& message);
std::string encode(const Outcome& message);
std::string encode(const AckBatch& message);
std::string encode(const Event& message);
std::string encode(const DeadJobsRequest& message);
std::string encode(const Credit& message);
std::string encode(const JobBatch& message);
std::string encode(const OutcomeBatch& message);
std::string encode(const Heartbeat& message);
std::string encode(const Release& message);
std::string encode(const JobsQuery& message);
std::string encode(const JobStates& message);
std::string encode(const WorkersRequest& message);
std::string encode(const WorkersReply& message);
std::string encode(const CancelRequest& message);
std::string encode(const CancelReply& message);
std::string encode(const CancelJobs& message);
std::string encode(const QueuesRequest& message);
std::string encode(const QueueControl& message);
std::string encode(const LimitControl& message);
std::string encode(const QueuesReply& message);
std::string encode(const ScheduledRequest& message);
std::string encode(const ScheduledReply& message);
std::string encode(const ScheduleControl& message);
std::string encode(const SchedulesReply& message);
std::string encode(const BatchOpen& message);
std::string encode(const BatchSeal& message);
std::string encode(const BatchesRequest& message);
std::string encode(const BatchesReply& message);
std::string encode(const WorkerControl& message);
std::string encode(const WorkerControlReply& message);
std::string encode(const ControlWorker& message);
std::string encode(const RunNowRequest& message);
std::string encode(const RunNowReply& message);
std::string encode(const Message& message);

// An "outcomes" batch in two steps, so that a sender encodes each outcome once, when it is
// ready, and learns its size: encode_outcome_entry() gives one outcome's map, and
// encode_outcomes() puts entries so encoded into one message.
std::string encode_outcome_entry(const Outcome& outcome);
std::string encode_outcomes(const std::vector<std::string_view>& entries);
// The bytes an "outcomes" message adds around its entries, at most.
inline constexpr std::size_t kOutcomesEnvelopeBytes = 32;

// Job specs as one msgpack array, each as a message carries it: how the outcome store keeps
// what a job made (its follow-ups, its chain's next step), and the journal a job's workflow.
std::string encode_job_specs(const std::vector<JobSpec>& specs);

// Decodes one message. Refuses (never throws): oversized input and msgpack over `limits`
// (kTooLarge), undecodable bytes (kMalformed), bytes after the message (kTrailingBytes), a
// version other than kProtocolVersion (kUnsupportedVersion), an unknown "k" (kUnknownKind),
// missing fields (kMissingField), fields of the wrong type (kWrongType) and meaningless values
// (kInvalid). Unknown extra fields are ignored so that later versions may add optional ones.
Result<Message> decode(std::string_view bytes, const DecodeLimits& limits = {});

// Reads one msgpack value as decode() reads a payload field: under the same limits (its depth
// counted as inside a "jobs" message), refused with the same codes, and packed again into the
// same form. For payloads that arrive outside a message (the ventilator's journal), so that
// they are held to what a worker will accept.
Result<Payload> decode_payload(std::string_view bytes, const DecodeLimits& limits = {});

// Reads what encode_job_specs() wrote, as decode() reads a message's specs (at most
// kMaxFollowUps of them), and refuses what it would refuse, with the same codes.
Result<std::vector<JobSpec>> decode_job_specs(std::string_view bytes,
                                              const DecodeLimits& limits = {});

// The "req" of a request that decode() refused, so that the refusal can be matched to its
// request: found when the bytes start with a msgpack map holding an unsigned "req" that can be
// read up to it (whatever else is wrong: msgpack over `limits`, trailing or missing bytes after
// it); else nullopt. Only the message size limit applies.
std::optional<std::uint64_t> peek_request_number(std::string_view bytes,
                                                 const DecodeLimits& limits = {});

}  // namespace zpipe
