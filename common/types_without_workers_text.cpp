#include "common/types_without_workers_text.hpp"

#include <algorithm>

#include "common/plural.hpp"

namespace zpipe {

std::string types_without_workers_text(const std::vector<std::string>& types,
                                       const std::vector<TypeCounts>& by_type) {
  std::string text;
  for (const auto& type : types) {
    const auto counted = std::find_if(by_type.begin(), by_type.end(),
                                      [&type](const TypeCounts& t) { return t.type == type; });
    if (counted != by_type.end() && counted->pending > 0) {
      text += count_noun(counted->pending, "job") + " of type " + type +
              (counted->pending == 1 ? " waits" : " wait");
    } else {
      text += "jobs of type " + type + " wait";
    }
    text += ": no connected worker handles " + type + "\n";
  }
  return text;
}

}  // namespace zpipe
