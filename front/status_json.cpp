#include "front/status_json.hpp"

namespace zpipe {
namespace {

nlohmann::json type_counts_json(const TypeCounts& t) {
  return {{"pending", t.pending},
          {"in_flight", t.in_flight},
          {"retrying", t.retrying},
          {"succeeded", t.succeeded},
          {"dead", t.dead}};
}

}  // namespace

nlohmann::json status_json(const StatusReply& status) {
  const auto& c = status.counts;
  nlohmann::json out{
      {"accepted", c.accepted},   {"pending", c.pending},
      {"in_flight", c.in_flight}, {"retrying", c.retrying},
      {"succeeded", c.succeeded}, {"failed", c.failed},
      {"dead", c.dead},           {"scheduled", c.scheduled},
      {"cancelled", c.cancelled}, {"types_without_workers", status.types_without_workers},
      {"alerts", status.alerts},  {"pipeline", status.pipeline}};
  // Per type, by name: {"echo": {"pending": 0, ...}}; the types past the first 100 together.
  auto types = nlohmann::json::object();
  for (const auto& t : status.by_type) types[t.type] = type_counts_json(t);
  out["by_type"] = types;
  if (status.other_types) out["other_types"] = type_counts_json(*status.other_types);
  return out;
}

}  // namespace zpipe
