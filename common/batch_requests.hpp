// The requests about batches (follow_ups.hpp): open one ("batch_open"), say that all its jobs
// are in ("batch_seal"), both answered by SubmitAccepted with the batch's id; and list batches
// ("batches_request"), answered by BatchesReply ("batches").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace zpipe {

// A batch's callbacks run once, when it is sealed and every job of it has ended: on_complete
// always, on_success only when none is dead or cancelled. Jobs join it by naming it
// (JobSpec::batch) while it is open, and from inside a job of it (follow-ups) at any time.
struct BatchOpen {
  std::uint64_t req = 0;
  std::string description{};
  std::optional<JobSpec> on_complete{};
  std::optional<JobSpec> on_success{};
  std::string pipeline{};  // as in SubmitRequest
  friend bool operator==(const BatchOpen&, const BatchOpen&) = default;
};

// Every job of the batch has been submitted: producers can add no more.
struct BatchSeal {
  std::uint64_t req = 0;
  std::string batch;
  std::string pipeline{};
  friend bool operator==(const BatchSeal&, const BatchSeal&) = default;
};

// The batches named, or (none named) the latest `limit` ones, newest first.
struct BatchesRequest {
  std::uint64_t req = 0;
  std::vector<std::string> ids{};
  std::uint64_t limit = 100;
  friend bool operator==(const BatchesRequest&, const BatchesRequest&) = default;
};
inline constexpr std::uint64_t kMaxBatchesListed = 10'000;

struct BatchSummary {
  std::string id;
  std::string description{};
  std::uint64_t created_ms = 0;
  std::uint64_t finished_ms = 0;  // when its last job ended (it was sealed); 0: not yet
  bool sealed = false;
  bool known = true;  // false: no batch of that id (a BatchesRequest by id)
  std::uint64_t total = 0;
  std::uint64_t pending = 0;  // not yet ended and not running: waiting, scheduled, retrying
  std::uint64_t running = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t dead = 0;
  std::uint64_t cancelled = 0;
  // The callbacks' job ids, once made; empty before (and when the batch has none).
  std::string on_complete_id{};
  std::string on_success_id{};
  // The dead jobs' ids, the first kBatchDeadIdsKept of them (asked by id only).
  std::vector<std::string> dead_ids{};
  friend bool operator==(const BatchSummary&, const BatchSummary&) = default;
};
inline constexpr std::size_t kBatchDeadIdsKept = 1'000;

struct BatchesReply {
  std::uint64_t req = 0;
  std::vector<BatchSummary> batches;
  std::string pipeline{};
  friend bool operator==(const BatchesReply&, const BatchesReply&) = default;
};

}  // namespace zpipe
