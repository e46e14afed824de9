#include "ventilator/shared_name.hpp"

#include <mutex>
#include <unordered_map>

#include "common/job.hpp"

namespace zpipe {

struct SharedName::Entry {
  const std::string* name = nullptr;  // the key of its node in the pool: stable
  std::uint64_t holders = 0;
};

namespace {

struct Pool {
  std::mutex mutex;
  // Node-based: an entry's address and its key's stay put as others come and go.
  std::unordered_map<std::string, SharedName::Entry> entries;
};

Pool& pool() {
  static auto* const instance = new Pool;  // never destroyed: names may outlive statics
  return *instance;
}

const std::string& empty_name() {
  static const std::string empty;
  return empty;
}

}  // namespace

// The default queue's name, held by most jobs: made once, never counted nor let go, so that
// making, copying and dropping it takes no lock.
SharedName::Entry* SharedName::permanent_default() {
  static const std::string name{kDefaultQueue};
  static Entry entry{&name, 0};
  return &entry;
}

SharedName::SharedName() = default;

SharedName::SharedName(std::string_view name) {
  if (name.empty()) return;
  if (name == kDefaultQueue) {
    entry_ = permanent_default();
    return;
  }
  auto& p = pool();
  const std::lock_guard lock(p.mutex);
  auto [it, added] = p.entries.try_emplace(std::string(name));
  if (added) it->second.name = &it->first;
  ++it->second.holders;
  entry_ = &it->second;
}

SharedName::SharedName(const SharedName& other) : entry_(other.entry_) {
  if (entry_ == nullptr || entry_ == permanent_default()) return;
  const std::lock_guard lock(pool().mutex);
  ++entry_->holders;
}

SharedName& SharedName::operator=(const SharedName& other) {
  if (entry_ == other.entry_) return *this;
  SharedName copy(other);
  return *this = std::move(copy);
}

SharedName& SharedName::operator=(SharedName&& other) noexcept {
  if (this == &other) return *this;
  release();
  entry_ = other.entry_;
  other.entry_ = nullptr;
  return *this;
}

SharedName::~SharedName() { release(); }

void SharedName::release() {
  if (entry_ == nullptr || entry_ == permanent_default()) {
    entry_ = nullptr;
    return;
  }
  auto& p = pool();
  const std::lock_guard lock(p.mutex);
  if (--entry_->holders == 0) p.entries.erase(p.entries.find(*entry_->name));
  entry_ = nullptr;
}

const std::string& SharedName::str() const {
  return entry_ == nullptr ? empty_name() : *entry_->name;
}

std::size_t SharedName::distinct() {
  auto& p = pool();
  const std::lock_guard lock(p.mutex);
  return p.entries.size();
}

}  // namespace zpipe
