// What a page of recorded jobs asks for (OutcomeStore::page(), the web's `GET /api/jobs`): its
// filters, all optional and combined, its size and where it starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/outcome.hpp"

namespace zpipe {

inline constexpr std::size_t kJobPageDefaultLimit = 50;
inline constexpr std::size_t kJobPageMaxLimit = 200;

struct JobPageQuery {
  std::string id_prefix{};  // an id, or its beginning; empty: any
  std::string type{};       // empty: any
  std::string queue{};      // empty: any; "default" also finds jobs recorded without a queue
  std::string batch{};      // empty: any
  // How the job ended (job_end_status.hpp): kFailed is a dead job. None: any.
  std::optional<OutcomeStatus> status{};
  // Recorded at or after `from_ms`, at or before `to_ms` (Unix ms, both included).
  std::optional<std::uint64_t> from_ms{};
  std::optional<std::uint64_t> to_ms{};
  std::size_t limit = kJobPageDefaultLimit;  // 1..kJobPageMaxLimit
  // The `next` of the previous page: this one holds the jobs after it. None: the first page.
  std::optional<std::int64_t> before{};
};

}  // namespace zpipe
