// StoreFollower: reads the rows the sink adds to its store, from the last one there when
// zpipe-web started, and tallies them: run-time histograms by type, and jobs recorded dead. A
// store that is not there yet (no sink has run) is looked for again at each read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/outcome_store.hpp"
#include "web/duration_histograms.hpp"

namespace zpipe {

struct RecordedTally {
  DurationHistograms histograms;
  std::uint64_t dead = 0;
  bool store_readable = false;
  std::string store_problem;  // why it cannot be read; empty when it can
};

class StoreFollower {
 public:
  // Rows read per call at most, so that a backlog of rows never holds the feed's loop long.
  static constexpr std::size_t kRowsPerRead = 20'000;

  explicit StoreFollower(std::filesystem::path store_path);
  // Folds the rows recorded since the last call into tally().
  void read_new_rows();
  const RecordedTally& tally() const { return tally_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<OutcomeStore> store_;
  std::int64_t after_ = -1;  // -1: start at the last row there now
  RecordedTally tally_;
};

}  // namespace zpipe
