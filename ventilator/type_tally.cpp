#include "ventilator/type_tally.hpp"

#include <algorithm>

namespace zpipe {
namespace {

std::uint64_t& count_of(TypeCounts& counts, TypeTally::Stage stage) {
  switch (stage) {
    case TypeTally::Stage::kPending:
      return counts.pending;
    case TypeTally::Stage::kInFlight:
      return counts.in_flight;
    case TypeTally::Stage::kRetrying:
      return counts.retrying;
    case TypeTally::Stage::kSucceeded:
      return counts.succeeded;
    case TypeTally::Stage::kDead:
      break;
  }
  return counts.dead;
}

}  // namespace

TypeCounts& TypeTally::bucket_of(const std::string& type) {
  if (const auto found = types_.find(type); found != types_.end()) return found->second;
  if (types_.size() < kMaxCountedTypes) {
    auto& counts = types_[type];
    counts.type = type;
    return counts;
  }
  has_others_ = true;
  return others_;
}

void TypeTally::add(const std::string& type, Stage stage, std::uint64_t jobs) {
  count_of(bucket_of(type), stage) += jobs;
}

void TypeTally::remove(const std::string& type, Stage stage, std::uint64_t jobs) {
  auto& count = count_of(bucket_of(type), stage);
  count -= std::min(count, jobs);
}

std::vector<TypeCounts> TypeTally::counted() const {
  std::vector<TypeCounts> all;
  all.reserve(types_.size());
  for (const auto& [type, counts] : types_) all.push_back(counts);
  return all;
}

std::optional<TypeCounts> TypeTally::others() const {
  if (!has_others_) return std::nullopt;
  return others_;
}

}  // namespace zpipe
