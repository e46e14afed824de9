// TypeTally: the ventilator's jobs counted per type and stage, kept up to date at each change
// of a job's stage, so that a status request costs the number of types, not of jobs (`zpipe
// thumbnail` and monitors ask many times a second). The first kMaxCountedTypes types seen get a
// count each; the jobs of any type seen later are counted together as "other types", so that a
// producer making a type per job cannot grow this (nor a status reply) without bound. A type
// keeps its place once it has one: each job is counted in the same place through its life.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/requests.hpp"

namespace zpipe {

class TypeTally {
 public:
  enum class Stage { kPending, kInFlight, kRetrying, kSucceeded, kDead };

  void add(const std::string& type, Stage stage, std::uint64_t jobs = 1);
  // Never below zero: a count restored from a journal edited by hand may be short.
  void remove(const std::string& type, Stage stage, std::uint64_t jobs = 1);
  void move(const std::string& type, Stage from, Stage to) {
    remove(type, from);
    add(type, to);
  }

  // The types counted one by one, by name; empty before the first job.
  std::vector<TypeCounts> counted() const;
  // The jobs of the types past kMaxCountedTypes (type empty); nullopt while there are none.
  std::optional<TypeCounts> others() const;

 private:
  // Where the jobs of `type` are counted: its own entry (made while there is room), or others_.
  TypeCounts& bucket_of(const std::string& type);

  std::map<std::string, TypeCounts> types_;
  TypeCounts others_;
  bool has_others_ = false;
};

}  // namespace zpipe
