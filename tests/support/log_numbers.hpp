// What tests read out of a program's log: the number a line gives before some words, and how
// often some words occur.
#pragma once

#include <cstdint>
#include <regex>
#include <string>

namespace zpipe::test {

// The number in the last line such as "... 12 dispatched again after their time limit"
// (`words`: "dispatched again after their time limit"); 0 when there is none.
inline std::uint64_t number_before(const std::string& log, const std::string& words) {
  const std::regex pattern("(\\d+) " + words);
  std::uint64_t last = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    last = std::stoull((*it)[1]);
  }
  return last;
}

// How many times `words` occurs in `log`.
inline std::size_t occurrences(const std::string& log, const std::string& words) {
  std::size_t count = 0;
  for (auto at = log.find(words); at != std::string::npos; at = log.find(words, at + 1)) ++count;
  return count;
}

}  // namespace zpipe::test
