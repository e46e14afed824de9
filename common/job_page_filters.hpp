// The filters of a page of recorded jobs as SQL (OutcomeStore::page()): each as the term that
// has SQLite read the filter's index, where one serves it, and as a check of a row read through
// another. A page reads through one filter's index, the one with the fewest entries (its
// driver), and checks the others on each row it reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/job_page_query.hpp"

namespace zpipe {

// The parameters a page's statements bind, by number (a statement binds those it names).
enum JobPageParam : int {
  kParamFirstRow = 1,  // rowid BETWEEN ?1 AND ?2: the page's rows (below its cursor, in its time
  kParamLastRow,       // range), as one range, which SQLite seeks to in the rowid or an index
  kParamType,
  kParamQueue,
  kParamBatch,
  kParamIdFrom,  // id >= ?6 AND id < ?7: an id prefix
  kParamIdTo,
  kParamFromMs,  // recorded_ms BETWEEN ?8 AND ?9
  kParamToMs,
  kParamLimit,
};

struct JobPageFilter {
  std::string name;  // "type", "status", ... for messages and tests
  // Has SQLite read the filter's index (among the other terms of a WHERE); empty: no index
  // serves the filter, it is only checked on rows.
  std::string on_index;
  // The index has the matching entries in rowid order (an equality: entries are (key, rowid)),
  // so a page reads them newest first and stops when it is full. False for a range (an id
  // prefix): its entries must all be read and sorted.
  bool in_row_order = true;
  // Checks a row read through another index. A unary + keeps SQLite from reading this filter's
  // index instead of the driver's.
  std::string on_row;
};

// The filters `query` sets, most selective first as a rule (the order breaks ties between
// drivers): batch, status dead or cancelled, id prefix, named queue, type; then those no index
// serves: status succeeded, the default queue (jobs_by_queue leaves it out), the time range (its
// rows are bounded by rowid; this keeps the check exact). `queue_column` and `batch_column` are
// what stands for those columns in this store (OutcomeStore::job_columns()); `id_has_end`:
// prefix_end() of the id prefix is not none.
std::vector<JobPageFilter> job_page_filters(const JobPageQuery& query,
                                            std::string_view queue_column,
                                            std::string_view batch_column, bool id_has_end);

// The least string greater than every string that begins with `prefix` (bytewise, as SQLite
// compares text): "mx9-4" -> "mx9-5". None when there is no such string (an empty prefix, or
// one of bytes 0xff only).
std::optional<std::string> prefix_end(std::string_view prefix);

}  // namespace zpipe
