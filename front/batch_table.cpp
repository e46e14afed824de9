#include "front/batch_table.hpp"

#include <algorithm>
#include <cstdio>

#include "front/outcome_table.hpp"

namespace zpipe {
namespace {

constexpr std::size_t kMaxDescriptionWidth = 40;

}  // namespace

std::string_view batch_state(const BatchSummary& batch) {
  if (!batch.sealed) return "open";
  return batch.finished_ms == 0 ? "running" : "complete";
}

std::string batch_table(const std::vector<BatchSummary>& batches) {
  if (batches.empty()) return "no batches\n";
  std::size_t id_width = 2;
  std::size_t description_width = 11;
  for (const auto& b : batches) {
    id_width = std::max(id_width, b.id.size());
    description_width = std::clamp(one_line(b.description, kMaxDescriptionWidth).size(),
                                   description_width, kMaxDescriptionWidth);
  }
  const auto row = [&](const std::string& id, const std::string& description,
                       const std::string& progress, const std::string& succeeded,
                       const std::string& dead, const std::string& cancelled,
                       std::string_view state) {
    char line[512];
    std::snprintf(line, sizeof line, "%-*s  %-*s %10s %9s %9s %9s  %s\n",
                  static_cast<int>(id_width), id.c_str(), static_cast<int>(description_width),
                  description.c_str(), progress.c_str(), succeeded.c_str(), dead.c_str(),
                  cancelled.c_str(), std::string(state).c_str());
    return std::string(line);
  };
  auto table = row("ID", "DESCRIPTION", "PROGRESS", "SUCCEEDED", "DEAD", "CANCELLED", "STATE");
  for (const auto& b : batches) {
    const auto ended = b.succeeded + b.dead + b.cancelled;
    table += row(b.id, one_line(b.description, kMaxDescriptionWidth),
                 std::to_string(ended) + "/" + std::to_string(b.total), std::to_string(b.succeeded),
                 std::to_string(b.dead), std::to_string(b.cancelled), batch_state(b));
  }
  return table;
}

}  // namespace zpipe
