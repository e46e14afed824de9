// nearest_name: the name a user most likely meant by a misspelt one (a command: "statu" ->
// "status"; a key of a config file: "concurency" -> "concurrency").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zpipe {

// The name of `names` closest to `typed` by edit distance (insertions, deletions,
// substitutions and swaps of two neighbours each count one), when close enough to be a slip:
// at most 1 edit for words of up to 4 letters, 2 for longer ones; a name that starts with
// `typed` (3 letters or more) counts as close too. Ties go to the earlier name.
std::optional<std::string> nearest_name(std::string_view typed,
                                        const std::vector<std::string>& names);

}  // namespace zpipe
