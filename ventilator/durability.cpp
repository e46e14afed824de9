#include "ventilator/durability.hpp"

namespace zpipe {

std::string_view to_string(Durability durability) {
  switch (durability) {
    case Durability::kSync:
      return "sync";
    case Durability::kBatched:
      return "batched";
    case Durability::kNone:
      return "none";
  }
  return "batched";
}

std::optional<Durability> durability_from(std::string_view name) {
  if (name == "sync") return Durability::kSync;
  if (name == "batched") return Durability::kBatched;
  if (name == "none") return Durability::kNone;
  return std::nullopt;
}

}  // namespace zpipe
