// zpipe-prune-bench: how long one batch of the sink's retention (--keep) holds the store, in a
// store of a million old rows: the longest an outcome waits for a prune.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include "common/outcome_store.hpp"

namespace {

// `jobs` old jobs with one attempt each, written straight in SQL (through record() it would
// take minutes).
bool fill(const std::filesystem::path& path, std::uint64_t jobs) {
  { zpipe::OutcomeStore made(path, zpipe::OutcomeStore::Access::kReadWrite); }
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  const auto sql =
      "BEGIN; WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " +
      std::to_string(jobs - 1) + R"sql()
    INSERT INTO jobs (id, type, status, attempt, max_attempts, worker, created_ms, started_ms,
                      finished_ms, recorded_ms, result)
      SELECT 'mx0qmj60-' || i, 'echo', 'succeeded', 1, 1, 'host:1', 100, 110, 150, 1000 + i,
             '{"msg":"hi"}' FROM n;
    INSERT INTO attempts (id, attempt, status, worker, started_ms, finished_ms, recorded_ms,
                          payload)
      SELECT id, 1, 'succeeded', 'host:1', 110, 150, recorded_ms, '{"msg":"hi"}' FROM jobs;
    COMMIT;)sql";
  const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("How long one batch of the sink's retention (--keep) holds its store");
  std::uint64_t jobs = 500'000;
  int batches = 40;
  bool smoke = false;
  app.add_option("--jobs", jobs, "old jobs in the store (each with one attempt: twice the rows)")
      ->capture_default_str();
  app.add_option("--batches", batches, "batches timed")->capture_default_str();
  app.add_flag("--smoke", smoke, "a small store (CI runs this, to keep the bench working)");
  CLI11_PARSE(app, argc, argv);
  if (smoke) jobs = 5'000, batches = 5;

  const auto dir =
      std::filesystem::temp_directory_path() / ("zpipe-prune-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "outcomes.db";
  if (!fill(path, jobs)) {
    std::fprintf(stderr, "zpipe-prune-bench: cannot fill %s\n", path.c_str());
    return 1;
  }
  zpipe::OutcomeStore store(path, zpipe::OutcomeStore::Access::kReadWrite);
  std::vector<double> ms;
  std::uint64_t deleted = 0;
  for (int i = 0; i < batches; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const auto batch = store.prune_batch(1'000'000'000, zpipe::kPruneBatchJobs);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    if (!batch.ok()) {
      std::fprintf(stderr, "zpipe-prune-bench: %s\n", batch.error().message.c_str());
      return 1;
    }
    deleted += batch.value().jobs;
  }
  std::filesystem::remove_all(dir);
  std::sort(ms.begin(), ms.end());
  std::printf(
      "prune batches of %zu jobs in a store of %llu jobs (%llu rows): %d batches, %llu jobs "
      "deleted\n",
      zpipe::kPruneBatchJobs, static_cast<unsigned long long>(jobs),
      static_cast<unsigned long long>(2 * jobs), batches, static_cast<unsigned long long>(deleted));
  std::printf("  ms per batch: median %.1f, p90 %.1f, max %.1f (the longest an outcome waits)\n",
              ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back());
  return deleted == static_cast<std::uint64_t>(batches) * zpipe::kPruneBatchJobs ? 0 : 1;
}
