// SharedName: a job's type or queue name as the ventilator holds it with every job: one copy of
// each distinct name, shared and counted, so that a million jobs of one type hold the name once
// (8 bytes a job instead of a 32-byte string each). The copy goes when its last holder does, so
// that names never seen again (a producer's typo) do not pile up.
// Safe to make, copy and drop on any thread: one lock, taken when a name is made or a copy is
// made or dropped, never on a move, nor for the default queue's name, which is always there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zpipe {

class SharedName {
 public:
  SharedName();  // ""
  explicit SharedName(std::string_view name);
  SharedName(const SharedName& other);
  SharedName(SharedName&& other) noexcept : entry_(other.entry_) { other.entry_ = nullptr; }
  SharedName& operator=(const SharedName& other);
  SharedName& operator=(SharedName&& other) noexcept;
  ~SharedName();

  const std::string& str() const;
  // Reads as the name it is.
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }    // NOLINT(google-explicit-constructor)
  bool empty() const { return str().empty(); }

  friend bool operator==(const SharedName& a, const SharedName& b) {
    return a.entry_ == b.entry_ || a.str() == b.str();
  }
  friend bool operator==(const SharedName& a, std::string_view b) { return a.str() == b; }

  // How many distinct names are held now, in the whole process (for tests).
  static std::size_t distinct();

  struct Entry;

 private:
  void release();
  static Entry* permanent_default();
  Entry* entry_ = nullptr;  // null: the empty name
};

}  // namespace zpipe
