#include "front/type_counts_table.hpp"

#include <algorithm>
#include <cstdio>

#include "front/outcome_table.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxTypeWidth = 24;
constexpr const char* kOthers = "(other types)";

std::string row(int width, const std::string& type, const TypeCounts& c) {
  char line[256];
  std::snprintf(
      line, sizeof line, "%-*s %9llu %9llu %9llu %9llu %9llu\n", width,
      one_line(type, static_cast<std::size_t>(width)).c_str(),
      static_cast<unsigned long long>(c.pending), static_cast<unsigned long long>(c.in_flight),
      static_cast<unsigned long long>(c.retrying), static_cast<unsigned long long>(c.succeeded),
      static_cast<unsigned long long>(c.dead));
  return line;
}

}  // namespace

std::string type_counts_table(const std::vector<TypeCounts>& by_type,
                              const std::optional<TypeCounts>& others) {
  if (by_type.empty() && !others) return "";
  std::size_t width = others ? std::string_view(kOthers).size() : 4;
  for (const auto& t : by_type) width = std::clamp(t.type.size(), width, kMaxTypeWidth);
  const auto w = static_cast<int>(width);
  char header[256];
  std::snprintf(header, sizeof header, "%-*s %9s %9s %9s %9s %9s\n", w, "TYPE", "PENDING",
                "IN FLIGHT", "RETRYING", "SUCCEEDED", "DEAD");
  std::string table = header;
  for (const auto& t : by_type) table += row(w, t.type, t);
  if (others) table += row(w, kOthers, *others);
  return table;
}

}  // namespace zpipe
