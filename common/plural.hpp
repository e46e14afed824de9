// count_noun: a count with its noun in the right number ("1 image", "2 images", "0 entries"),
// for every message that prints how many of something there are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zpipe {

// "1 image", "3 images"; `plural` for nouns that do not just take an "s" ("entries").
inline std::string count_noun(std::uint64_t count, std::string_view singular,
                              std::string_view plural = {}) {
  std::string text = std::to_string(count) + " ";
  if (count == 1) return text.append(singular);
  if (!plural.empty()) return text.append(plural);
  return text.append(singular).append("s");
}

}  // namespace zpipe
