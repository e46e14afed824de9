// require(): a property a fuzz target asserts. Unlike assert() it holds in every build, and it
// aborts, which libFuzzer reports as a crash and saves the input of.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace zpipe::fuzz {

inline void require(bool holds, std::string_view property) {
  if (holds) return;
  std::fprintf(stderr, "property does not hold: %.*s\n", static_cast<int>(property.size()),
               property.data());
  std::abort();
}

}  // namespace zpipe::fuzz
