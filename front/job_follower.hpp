// JobFollower: follows chosen jobs to their end by asking the ventilator where they are (a
// JobsQuery), so that a client learns how its jobs ended from any host, with no access to the
// sink's files. The first answer pins the pipeline: an answer from another one is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/client.hpp"
#include "common/requests.hpp"
#include "common/result.hpp"

namespace zpipe {

class JobFollower {
 public:
  // Jobs asked about at once: the longest followed, which jobs mostly end in the order they
  // were submitted.
  static constexpr std::size_t kAskedAtOnce = 4096;

  // Follows the job with this id from now on.
  void follow(const std::string& id);
  std::size_t pending() const { return by_id_.size(); }

  // Asks about the longest-followed jobs and returns those over, each once: succeeded, dead,
  // cancelled, or unknown (over long enough ago that the ventilator forgot it: it keeps the last
  // 65,536 endings; the sink's store has them all). An Error when the ventilator does not
  // answer, or another pipeline does.
  Result<std::vector<JobStatus>> take_ended(Client& client);

 private:
  std::map<std::uint64_t, std::string> by_order_;  // followed jobs, in the order followed
  std::unordered_map<std::string, std::uint64_t> by_id_;
  std::uint64_t next_ = 0;
  std::string pipeline_;  // the one that answered first
};

}  // namespace zpipe
