#include "common/job_page_filters.hpp"

#include <algorithm>

#include "common/job.hpp"

namespace zpipe {
namespace {

std::string param(JobPageParam number) { return "?" + std::to_string(static_cast<int>(number)); }

}  // namespace

std::vector<JobPageFilter> job_page_filters(const JobPageQuery& query,
                                            std::string_view queue_column,
                                            std::string_view batch_column, bool id_has_end) {
  const std::string queue(queue_column);
  const std::string batch(batch_column);
  std::vector<JobPageFilter> filters;
  // jobs_by_batch: only jobs of a batch have an entry; `batch = ?` is enough to use it.
  if (!query.batch.empty()) {
    const auto term = batch + " = " + param(kParamBatch);
    filters.push_back({"batch", term, true, "+" + term});
  }
  // jobs_failed and jobs_cancelled: partial indexes, which SQLite uses only when the status is
  // a literal of the query's text. Succeeded jobs have none: they are most jobs.
  if (query.status) {
    const auto term = "status = '" + std::string(to_string(*query.status)) + "'";
    const bool indexed = *query.status != OutcomeStatus::kSucceeded;
    filters.push_back({"status", indexed ? term : "", true, "+" + term});
  }
  // The primary key's index, sqlite_autoindex_jobs_1: a range of ids, not LIKE (which SQLite
  // turns into a range only under case-insensitive rules the primary key does not have).
  if (!query.id_prefix.empty()) {
    auto term = "id >= " + param(kParamIdFrom);
    auto row = "+id >= " + param(kParamIdFrom);
    if (id_has_end) {
      term += " AND id < " + param(kParamIdTo);
      row += " AND +id < " + param(kParamIdTo);
    }
    filters.push_back({"id", term, false, row});
  }
  // jobs_by_queue has the jobs of named queues only, and SQLite uses it when the query says so
  // in its text; the default queue is most jobs, found by reading the newest.
  if (!query.queue.empty()) {
    const auto term = queue + " = " + param(kParamQueue);
    const bool named = query.queue != kDefaultQueue;
    filters.push_back(
        {"queue", named ? term + " AND " + queue + " <> 'default'" : "", true, "+" + term});
  }
  // jobs_by_type.
  if (!query.type.empty()) {
    const auto term = "type = " + param(kParamType);
    filters.push_back({"type", term, true, "+" + term});
  }
  if (query.from_ms || query.to_ms) {
    filters.push_back(
        {"time", "", true,
         "+recorded_ms BETWEEN " + param(kParamFromMs) + " AND " + param(kParamToMs)});
  }
  // Those no index serves go last: they are only ever checked on rows.
  std::stable_partition(filters.begin(), filters.end(),
                        [](const JobPageFilter& f) { return !f.on_index.empty(); });
  return filters;
}

std::optional<std::string> prefix_end(std::string_view prefix) {
  std::string end(prefix);
  // "ab\xff" ends before "ac": bytes 0xff cannot grow, the one before them does.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::nullopt;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace zpipe
