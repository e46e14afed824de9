#include "front/worker_fleet.hpp"

#include <sys/wait.h>

namespace zpipe {

WorkerFleet::WorkerFleet(std::vector<std::string> argv, ChildOptions options)
    : argv_(std::move(argv)), options_(std::move(options)) {}

WorkerFleet::~WorkerFleet() {
  if (!stopped_) stop_all(std::chrono::seconds(40));
}

int WorkerFleet::running() const {
  int count = 0;
  for (const auto& m : members_) count += m.stopping ? 0 : 1;
  return count;
}

std::vector<pid_t> WorkerFleet::running_pids() const {
  std::vector<pid_t> pids;
  for (const auto& m : members_) {
    if (!m.stopping) pids.push_back(m.process.pid());
  }
  return pids;
}

void WorkerFleet::start(int count) {
  for (int i = 0; i < count; ++i) {
    members_.push_back(Member{ChildProcess(argv_, options_), Clock::now(), false});
  }
}

int WorkerFleet::stop_idle(int count, const std::set<pid_t>& busy) {
  int asked = 0;
  for (auto it = members_.rbegin(); it != members_.rend() && asked < count; ++it) {
    if (it->stopping || busy.count(it->process.pid()) != 0) continue;
    it->process.request_stop();
    it->stopping = true;
    ++asked;
  }
  return asked;
}

std::vector<WorkerFleet::Ended> WorkerFleet::reap() {
  std::vector<Ended> ended;
  const auto now = Clock::now();
  for (auto it = members_.begin(); it != members_.end();) {
    if (!it->process.has_exited()) {
      ++it;
      continue;
    }
    if (!it->stopping) {
      ended.push_back({it->process.pid(), describe_wait_status(*it->process.status()),
                       now - it->started < kQuickExit});
    }
    it = members_.erase(it);
  }
  return ended;
}

bool WorkerFleet::stop_all(std::chrono::milliseconds grace) {
  stopped_ = true;
  for (auto& m : members_) {
    if (!m.process.has_exited()) m.process.request_stop();
  }
  bool clean = true;
  for (auto& m : members_) {
    const int status = m.process.stop(grace);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) clean = false;  // asked, it ends with 0
  }
  members_.clear();
  return clean;
}

}  // namespace zpipe
