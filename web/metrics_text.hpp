// The Prometheus text exposition (format 0.0.4) of what zpipe-web knows at a scrape: the
// ventilator's counts, workers and queues as it answers now, and the run-time histograms.
// Whatever could not be asked is left out, and zpipe_up says which component did not answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/queue_requests.hpp"
#include "common/requests.hpp"
#include "web/duration_histograms.hpp"

namespace zpipe {

struct MetricsFacts {
  std::optional<StatusReply> status;  // nullopt: the ventilator did not answer
  std::optional<std::vector<WorkerSummary>> workers;
  std::optional<QueuesReply> queues;
  // Read from the store's new rows since zpipe-web started (StoreFollower).
  DurationHistograms histograms;
  std::uint64_t dead_recorded = 0;
  bool store_readable = false;                // the sink's store could be read
  std::optional<double> backlog_eta_seconds;  // LiveFeed::backlog_eta_seconds()
};

std::string prometheus_text(const MetricsFacts& facts);

// A label value as the format writes it: \ as \\, " as \", a line feed as \n.
std::string escape_label_value(std::string_view value);

}  // namespace zpipe
