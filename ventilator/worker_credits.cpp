#include "ventilator/worker_credits.hpp"

#include <algorithm>

namespace zpipe {

bool WorkerCredits::apply(const std::string& identity, const Credit& credit) {
  auto [it, added] = workers_.try_emplace(identity);
  auto& worker = it->second;
  if (!credit.worker.empty()) worker.name = credit.worker;
  total_ -= worker.credit;
  const auto base = credit.reset ? 0 : worker.credit;
  worker.credit = std::min(kMaxCredit, base + std::min(kMaxCredit, credit.credit));
  total_ += worker.credit;
  return added;
}

std::optional<std::string> WorkerCredits::next() {
  if (total_ == 0) return std::nullopt;
  // The first with credit after the last one served, going round.
  auto it = workers_.upper_bound(last_served_);
  for (std::size_t looked = 0; looked < workers_.size(); ++looked, ++it) {
    if (it == workers_.end()) it = workers_.begin();
    if (it->second.credit > 0) {
      last_served_ = it->first;
      return it->first;
    }
  }
  return std::nullopt;
}

std::uint64_t WorkerCredits::credit_of(const std::string& identity) const {
  const auto it = workers_.find(identity);
  return it == workers_.end() ? 0 : it->second.credit;
}

void WorkerCredits::take(const std::string& identity, std::uint64_t jobs) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  const auto taken = std::min(jobs, it->second.credit);
  it->second.credit -= taken;
  total_ -= taken;
}

void WorkerCredits::drop(const std::string& identity) {
  const auto it = workers_.find(identity);
  if (it == workers_.end()) return;
  total_ -= it->second.credit;
  workers_.erase(it);
}

std::string WorkerCredits::worker_name(const std::string& identity) const {
  const auto it = workers_.find(identity);
  return it == workers_.end() || it->second.name.empty() ? "?" : it->second.name;
}

}  // namespace zpipe
