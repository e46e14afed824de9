#include "bench/jobs_store_fill.hpp"

#include <cstdio>
#include <string>

#include <sqlite3.h>

#include "common/outcome_store.hpp"

namespace zpipe::bench {

bool fill_jobs_store(const std::filesystem::path& path, std::uint64_t jobs, std::uint64_t end_ms) {
  { OutcomeStore made(path, OutcomeStore::Access::kReadWrite); }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  const auto n = std::to_string(jobs);
  const auto half = std::to_string(jobs / 2);
  const auto start = std::to_string(end_ms - kDayMs);
  auto at = [&jobs](double fraction) {
    return std::to_string(static_cast<std::uint64_t>(static_cast<double>(jobs) * fraction));
  };
  // d: a hash of i (Knuth's multiplier) for the status, q one for the queue.
  const auto sql =
      "BEGIN; WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " + n +
      " - 1), h(i, d, q, r) AS (SELECT i, ((i * 2654435761) % 4294967296) % 1000, "
      "((i * 40503) % 65536) % 100, " +
      start + " + i * " + std::to_string(kDayMs) + " / " + n + R"sql( FROM n)
    INSERT INTO jobs (id, type, status, error_code, error, attempt, max_attempts, worker,
                      created_ms, started_ms, finished_ms, recorded_ms, result, queue, batch)
      SELECT CASE WHEN i < )sql" +
      half + " THEN '" + kOldRun + "' || i ELSE '" + kNewRun + "' || (i - " + half + R"sql() END,
        CASE i % 10 WHEN 5 THEN 'thumbnail' WHEN 6 THEN 'thumbnail' WHEN 7 THEN 'exec'
          WHEN 8 THEN 'exec' WHEN 9 THEN 'email' ELSE 'echo' END,
        CASE WHEN d < 20 THEN 'failed' WHEN d < 25 THEN 'cancelled' ELSE 'succeeded' END,
        CASE WHEN d < 20 THEN 'handler_error' WHEN d < 25 THEN 'cancelled' ELSE '' END,
        CASE WHEN d < 20 THEN 'failed on request' WHEN d < 25 THEN 'cancelled by bench'
          ELSE '' END,
        CASE WHEN d < 20 THEN 3 WHEN d < 35 THEN 2 ELSE 1 END, 3, 'host:' || (i % 8),
        r - 50, r - 40, r - 5, r, '{"msg":"hi","n":' || i || '}',
        CASE WHEN q < 70 THEN 'default' WHEN q < 90 THEN 'critical' ELSE 'low' END,
        CASE WHEN i >= )sql" +
      at(0.1) + " AND i < " + at(0.101) + " THEN 'mx0qmj60-b1' WHEN i >= " + at(0.4) + " AND i < " +
      at(0.406) + " THEN 'mx0qmj60-b2' WHEN i >= " + at(0.9) + " AND i < " + at(0.9) +
      " + 100 THEN 'mx1rb2k1-b1' END FROM h;" + R"sql(
    INSERT INTO attempts (id, attempt, status, error_code, error, worker, started_ms, finished_ms,
                          run_us, cpu_us, max_rss_kb, recorded_ms, payload)
      SELECT id, attempt, status, error_code, error, worker, started_ms, finished_ms,
             1000 + (rowid * 7919) % 200000, (rowid * 7) % 50000, 20000 + rowid % 60000,
             recorded_ms, '{"msg":"hello, world"}' FROM jobs;
    INSERT INTO attempts (id, attempt, status, error_code, error, worker, started_ms, finished_ms,
                          run_us, cpu_us, max_rss_kb, recorded_ms, payload)
      SELECT id, a.k, 'failed', 'handler_error', 'failed on request', worker,
             started_ms - 1000 * (attempt - a.k), finished_ms - 1000 * (attempt - a.k),
             900, 800, 21000, recorded_ms - 1000 * (attempt - a.k), '{"msg":"hello, world"}'
        FROM jobs, (SELECT 1 AS k UNION ALL SELECT 2) AS a WHERE a.k < attempt;
    COMMIT;)sql";
  char* error = nullptr;
  const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
  if (!ok) std::fprintf(stderr, "filling the store: %s\n", error);
  sqlite3_free(error);
  sqlite3_close(db);
  return ok;
}

}  // namespace zpipe::bench
