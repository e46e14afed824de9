// `zpipe retry` and `zpipe discard`: act on dead jobs (failed on their last allowed attempt),
// which the ventilator keeps in its journal.
#pragma once

#include <memory>
#include <vector>

#include "front/command.hpp"

namespace zpipe {

std::vector<std::unique_ptr<Command>> make_dead_jobs_commands(CLI::App& parent);

}  // namespace zpipe
