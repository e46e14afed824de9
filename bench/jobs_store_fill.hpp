// fill_jobs_store: a store of recorded jobs for the benches of the web's pages
// (zpipe-jobs-page-bench reads it directly, zpipe-web-bench over HTTP): a day of jobs in the
// shape the sink writes, made in one SQL statement.
#pragma once

#include <cstdint>
#include <filesystem>

namespace zpipe::bench {

inline constexpr std::uint64_t kDayMs = 86'400'000;
inline constexpr std::uint64_t kHourMs = 3'600'000;
// The two ventilator runs whose ids the store holds: the older made the first half.
inline constexpr const char* kOldRun = "mx0qmj60-";
inline constexpr const char* kNewRun = "mx1rb2k1-";

// Makes the store at `path` (which must not hold one yet) with `jobs` jobs recorded evenly over
// the day before `end_ms` (Unix ms), written straight in SQL in the shape the sink writes
// (through OutcomeStore::record() a million take minutes): four types (echo 50%, thumbnail 20%,
// exec 20%, email 10%), three queues (default 70%, critical 20%, low 10%), 2% dead with three
// failed attempts, 0.5% cancelled, one in a hundred of the others with a failed first attempt.
// Batches: 0.1% of the jobs from 10% in (mx0qmj60-b1), 0.6% from 40% (mx0qmj60-b2), 100 jobs
// from 90% (mx1rb2k1-b1). False, having said why on stderr, when SQLite refuses.
bool fill_jobs_store(const std::filesystem::path& path, std::uint64_t jobs, std::uint64_t end_ms);

}  // namespace zpipe::bench
