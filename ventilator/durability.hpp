// Durability: how hard the ventilator works to keep accepted jobs across crashes. README.md
// ("Durability") states what each level can lose.
#pragma once

#include <optional>
#include <string_view>

namespace zpipe {

enum class Durability {
  kSync,     // each group of accepted jobs is fsynced before producers hear "accepted"
  kBatched,  // committed to the journal before "accepted" (survives a process crash); the
             // write-ahead log is fsynced about once a second (power loss: up to ~1 s lost)
  kNone,     // memory only: a ventilator crash loses every unfinished job
};

std::string_view to_string(Durability durability);
std::optional<Durability> durability_from(std::string_view name);

}  // namespace zpipe
