// WorkerCredits: how many jobs each worker connected to the jobs socket has asked for and not
// yet been sent, keyed by its ROUTER identity. Workers are served in turn, so that each with
// credit gets a batch before any gets a second one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/job_credit.hpp"

namespace zpipe {

class WorkerCredits {
 public:
  // More than any worker needs: a larger credit is taken as this many.
  static constexpr std::uint64_t kMaxCredit = 1'000'000;

  // Adds the credit (or sets it, on a reset) for the worker with this identity. Returns true
  // when the identity was not known before.
  bool apply(const std::string& identity, const Credit& credit);
  // The next worker in turn that has credit, if any.
  std::optional<std::string> next();
  std::uint64_t credit_of(const std::string& identity) const;
  // `jobs` were sent to the worker.
  void take(const std::string& identity, std::uint64_t jobs);
  // The worker is gone (its connection closed): forget it.
  void drop(const std::string& identity);
  std::string worker_name(const std::string& identity) const;
  std::uint64_t total() const { return total_; }
  std::size_t workers() const { return workers_.size(); }

 private:
  struct Worker {
    std::uint64_t credit = 0;
    std::string name;
  };
  std::map<std::string, Worker> workers_;
  std::string last_served_;
  std::uint64_t total_ = 0;
};

}  // namespace zpipe
