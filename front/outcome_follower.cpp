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
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (auto row = store_->find(*it)) {
        recorded.push_back(std::move(row->outcome));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  } catch (const std::exception&) {
    // The file exists before the sink has made its table: open it again next time.
    store_.reset();
  }
  return recorded;
}

}  // namespace zpipe
