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
  try {
    if (!cursor_) {
      // First look: what is there already, id by id; from then on only the rows added since
      // (one query however many jobs are followed).
      cursor_ = store_->last_row();
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (auto row = store_->find(*it)) {
          recorded.push_back(std::move(row->outcome));
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
    }
    while (true) {
      auto rows = store_->recorded_after(*cursor_, 1000);
      for (auto& row : rows) {
        if (pending_.erase(row.outcome.id) > 0) recorded.push_back(std::move(row.outcome));
      }
      if (rows.size() < 1000) break;
    }
  } catch (const std::exception&) {
    // The file exists before the sink has made its table: open it again next time.
    store_.reset();
    cursor_.reset();
  }
  return recorded;
}

}  // namespace zpipe
