// JournalRow: one row of the ventilator's journal as SQLite gives it back on restart, before it
// is trusted; restore_job() turns it into a job again. SQLite vouches for its pages, not for
// the values in them: damage its checks miss, an edit by hand or another version of zpipe can
// leave anything in a column. Kept apart from the SQLite code so that the checks can be tested
// and fuzzed (fuzz/journal_row_fuzzer.cpp) without a database.
#pragma once

#include <cstdint>
#include <string>

#include "common/decode_limits.hpp"
#include "common/result.hpp"
#include "ventilator/tracked_job.hpp"

namespace zpipe {

// The columns as stored: integers as SQLite's signed 64 bits, the payload blob as its bytes.
struct JournalRow {
  std::int64_t row = 0;
  std::string id;
  std::string type;
  std::string payload;
  std::int64_t attempt = 0;
  std::int64_t max_attempts = 0;
  std::int64_t attempts_per_round = 0;
  std::int64_t timeout_ms = 0;
  std::int64_t created_ms = 0;
  std::int64_t due_ms = 0;
  std::string queue{"default"};
  std::int64_t priority = 0;
  std::string unique_key{};
  std::string cancelled_by{};
  std::string parent{};
  std::string batch{};
  std::string workflow{};  // encode_job_specs() of one spec holding its then and on_failure; or ""
  bool payload_left_out = false;  // too large to keep in memory: `payload` is empty
};

// The job a row holds, held to what decode() accepts of a job message under `limits` so that a
// worker will take it: refused (kInvalid, naming the column) without an id or a type, with
// attempt counts outside 1..2^32-1, a time limit over the cap, or negative times. A payload that
// decode() would refuse becomes nil, as if none had been given: the job still runs to an outcome.
// A payload left out stays in the journal (TrackedJob::payload_in_journal). A workflow column
// decode_job_specs() refuses is dropped, as if the job had none: it still runs.
Result<TrackedJob> restore_job(const JournalRow& row, const DecodeLimits& limits = {});

// The payload of a row as a job carries it: as stored, or nil when decode() would refuse it.
Payload restore_payload(const std::string& stored, const DecodeLimits& limits = {});

}  // namespace zpipe
