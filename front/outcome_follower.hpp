// OutcomeFollower: learns when chosen jobs are recorded, and how they ended, by reading the
// sink's store (read-only, beside the sink writing it) for their ids.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/outcome.hpp"
#include "common/outcome_store.hpp"

namespace zpipe {

class OutcomeFollower {
 public:
  explicit OutcomeFollower(std::filesystem::path store_path);

  // Follows the job with this id from now on.
  void follow(const std::string& id) { pending_.insert(id); }
  std::size_t pending() const { return pending_.size(); }
  // The outcomes of followed jobs recorded since the last call (each reported once), none
  // while the store does not exist yet. Reads only the rows added since the last call, so it
  // may be polled often while many jobs are followed.
  std::vector<Outcome> take_recorded();
  bool has_store() const { return store_ != nullptr; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<OutcomeStore> store_;  // opened once the sink has created it
  std::set<std::string> pending_;
  std::optional<std::int64_t> cursor_;  // the last store row read
};

}  // namespace zpipe
