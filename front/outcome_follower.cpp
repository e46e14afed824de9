#include "front/outcome_follower.hpp"

namespace zpipe {

OutcomeFollower::OutcomeFollower(std::filesystem::path store_path) : path_(std::move(store_path)) {}

std::vector<Outcome> OutcomeFollower::take_recorded() {
  std::vector<Outcome> recorded;
  if (!store_) {
    std::error_code error;
    if (!std::filesystem::exists(path_, error)) return recorded;
    try {
      store_ = std::make_unique<OutcomeStore>(path_, OutcomeStore::Access::kReadOnly);
    } catch (const std::exception&) {
      return recorded;  // the sink is creating it: next time
    }
  }
  // The file exists before the sink has made its tables: a read that fails now is tried again,
  // with the store opened afresh, next time.
  const auto start_over = [this] {
    store_.reset();
    cursor_.reset();
  };
  if (!cursor_) {
    // First look: what is there already, id by id; from then on only the rows added since (one
    // query however many jobs are followed).
    auto last = store_->last_row();
    if (!last.ok()) {
      start_over();
      return recorded;
    }
    for (auto it = pending_.begin(); it != pending_.end();) {
      auto row = store_->find(*it);
      if (!row.ok()) {
        start_over();
        return recorded;
      }
      if (row.value()) {
        recorded.push_back(std::move(row.value()->outcome));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    cursor_ = last.value();
  }
  while (true) {
    auto rows = store_->recorded_after(*cursor_, 1000);
    if (!rows.ok()) {
      start_over();
      break;
    }
    for (auto& row : rows.value()) {
      if (pending_.erase(row.outcome.id) > 0) recorded.push_back(std::move(row.outcome));
    }
    if (rows.value().size() < 1000) break;
  }
  return recorded;
}

}  // namespace zpipe
