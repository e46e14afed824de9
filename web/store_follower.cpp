#include "web/store_follower.hpp"

#include <stdexcept>

namespace zpipe {

StoreFollower::StoreFollower(std::filesystem::path store_path) : path_(std::move(store_path)) {}

void StoreFollower::read_new_rows() {
  if (!store_) {
    try {
      store_ = std::make_unique<OutcomeStore>(path_, OutcomeStore::Access::kReadOnly);
    } catch (const std::runtime_error& e) {
      // Every row of a store made after zpipe-web started is new.
      if (!std::filesystem::exists(path_)) after_ = 0;
      tally_.store_readable = false;
      tally_.store_problem = e.what();
      return;
    }
  }
  if (after_ < 0) {
    auto last = store_->last_row();
    if (!last.ok()) {
      tally_.store_readable = false;
      tally_.store_problem = last.error().message;
      return;
    }
    after_ = last.value();
  }
  auto rows = store_->run_times_after(after_, kRowsPerRead);
  if (!rows.ok()) {
    tally_.store_readable = false;
    tally_.store_problem = rows.error().message;
    return;
  }
  tally_.store_readable = true;
  tally_.store_problem.clear();
  for (const auto& row : rows.value()) {
    tally_.histograms.add(row.type, row.run_us);
    if (row.status == OutcomeStatus::kFailed) ++tally_.dead;
  }
}

}  // namespace zpipe
